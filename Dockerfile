# mqttx: the broker as one container. Build from the repository root: docker build -t mqttx .
# Stage 1 builds the jar with Maven; stage 2 runs it on a JRE only.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# every module the root pom lists must have its pom here, or Maven cannot read the reactor; only the broker and
# the server are built (-pl mqttx-server -am), so the load generator needs no sources
COPY pom.xml ./
COPY mqttx-broker/pom.xml mqttx-broker/
COPY mqttx-server/pom.xml mqttx-server/
COPY mqttx-bench/pom.xml mqttx-bench/
COPY mqttx-broker/src mqttx-broker/src
COPY mqttx-server/src mqttx-server/src
# the cache mount keeps downloaded dependencies between builds without putting them in a layer
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -pl mqttx-server -am package -DskipTests

FROM eclipse-temurin:17-jre
# a non-root user; the store directory is owner-only (0700), as the broker wants it
RUN groupadd --system mqttx && useradd --system --gid mqttx --home-dir /app --no-create-home mqttx \
    && mkdir -p /app/data /app/config && chown -R mqttx:mqttx /app && chmod 700 /app/data
WORKDIR /app
COPY --from=build /src/mqttx-server/target/mqttx.jar /app/mqttx.jar
USER mqttx
# the embedded store, named explicitly so that it does not depend on the working directory;
# mount /app/config/application.yml to configure by file
ENV MQTTX_STORE_PATH=/app/data
VOLUME /app/data
# MQTT, MQTT over TLS (mqttx.ssl.enable), MQTT over WebSocket (mqttx.websocket.enable)
EXPOSE 1883 8883 8083
# the container's memory limit, not the host's, sizes the heap; override with -e JAVA_TOOL_OPTIONS=...
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
# umask 077: the store's files are owner-only from their creation, not only from the broker's next sweep.
# exec: java is PID 1 and gets docker stop's SIGTERM, closes the broker and exits with 143; arguments of
# docker run (--mqttx.key=value) reach it
ENTRYPOINT ["sh", "-c", "umask 077 && exec java -jar /app/mqttx.jar \"$@\"", "mqttx"]
