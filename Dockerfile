# mqttx: the broker as one container. Build from the repository root: docker build -t mqttx .
# Stage 1 builds the jar with Maven; stage 2 runs it on a JRE only.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY mqttx-broker/pom.xml mqttx-broker/
COPY mqttx-server/pom.xml mqttx-server/
COPY mqttx-broker/src mqttx-broker/src
COPY mqttx-server/src mqttx-server/src
# the cache mount keeps downloaded dependencies between builds without putting them in a layer
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -pl mqttx-server -am package -DskipTests

FROM eclipse-temurin:17-jre
RUN groupadd --system mqttx && useradd --system --gid mqttx --home-dir /app --no-create-home mqttx \
    && mkdir -p /app/data /app/config && chown -R mqttx:mqttx /app
WORKDIR /app
COPY --from=build /src/mqttx-server/target/mqttx.jar /app/mqttx.jar
USER mqttx
# the embedded store's default path ./data; mount /app/config/application.yml to configure by file
VOLUME /app/data
# MQTT, MQTT over TLS (mqttx.ssl.enable), MQTT over WebSocket (mqttx.websocket.enable)
EXPOSE 1883 8883 8083
# the container's memory limit, not the host's, sizes the heap; override with -e JAVA_TOOL_OPTIONS=...
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
# exec form: java is PID 1 and gets docker stop's SIGTERM, closes the broker and exits with 143
ENTRYPOINT ["java", "-jar", "/app/mqttx.jar"]
