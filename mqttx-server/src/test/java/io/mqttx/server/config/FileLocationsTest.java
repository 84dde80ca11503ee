package io.mqttx.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key store locations as users write them become files the TLS code can open. */
class FileLocationsTest {
    @TempDir
    Path dir;

    @Test
    void aPlainPathOrFileUrlIsUsedAsItIs() throws IOException {
        Path ks = Files.writeString(dir.resolve("server.p12"), "key store");
        FileLocations locations = FileLocations.standard(getClass().getClassLoader());
        assertThat(locations.file("k", ks.toString())).isEqualTo(ks.toAbsolutePath().toString());
        assertThat(locations.file("k", "file:" + ks)).isEqualTo(ks.toAbsolutePath().toString());
    }

    @Test
    void aClasspathResourceInsideAJarIsCopiedToAFile() throws IOException {
        Path jar = dir.resolve("certs.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            j.putNextEntry(new JarEntry("tls/inside.p12"));
            j.write("from the jar".getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            String file = FileLocations.standard(loader).file("k", "classpath:tls/inside.p12");
            assertThat(Path.of(file)).hasContent("from the jar");
            assertThat(FileLocations.standard(loader).file("k", "classpath:/tls/inside.p12")).isNotBlank();
        }
    }

    @Test
    void whatIsNotThereIsRefusedNamingTheKey() {
        FileLocations locations = FileLocations.standard(getClass().getClassLoader());
        assertThatThrownBy(() -> locations.file("mqttx.ssl.key-store-location", "classpath:nope.p12"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("mqttx.ssl.key-store-location=classpath:nope.p12: not found on the classpath");
        assertThatThrownBy(() -> locations.file("mqttx.ssl.trust-store-location", dir.resolve("nope").toString()))
                .hasMessageStartingWith("mqttx.ssl.trust-store-location=" + dir.resolve("nope") + ": no readable");
    }
}
