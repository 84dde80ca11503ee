package io.mqttx.server.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.springframework.core.io.ClassPathResource;

/**
 * Turns a location as users write it ({@code classpath:tls/server.p12}, {@code file:/etc/mqttx/server.p12} or a plain
 * path) into a readable file path, which is what the core's {@code TlsConfig} takes.
 */
@FunctionalInterface
public interface FileLocations {

    /**
     * @param key the configuration key, for the error message
     * @throws InvalidConfigurationException if nothing is there
     */
    String file(String key, String location);

    /**
     * Files as they are; a classpath resource inside the jar is copied to a temporary file readable only by this
     * user (removed at exit), since a key store inside a jar has no path.
     */
    static FileLocations standard(ClassLoader classLoader) {
        return (key, location) -> {
            String loc = location.trim();
            if (loc.startsWith("classpath:")) {
                String name = loc.substring("classpath:".length()).trim();
                ClassPathResource resource = new ClassPathResource(name.startsWith("/") ? name.substring(1) : name,
                        classLoader);
                if (!resource.exists()) {
                    throw new InvalidConfigurationException(key + "=" + location + ": not found on the classpath");
                }
                try {
                    if (resource.isFile()) {
                        return resource.getFile().getAbsolutePath();
                    }
                    Path copy = Files.createTempFile("mqttx-", "-" + resource.getFilename());
                    copy.toFile().deleteOnExit();
                    try {
                        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException notPosix) {
                        // Windows: the temporary directory is already per user
                    }
                    try (InputStream in = resource.getInputStream()) {
                        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                    }
                    return copy.toString();
                } catch (IOException e) {
                    throw new InvalidConfigurationException(key + "=" + location + ": cannot be read: " + e);
                }
            }
            Path path = Path.of(loc.startsWith("file:") ? loc.substring("file:".length()) : loc);
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new InvalidConfigurationException(key + "=" + location + ": no readable file at "
                        + path.toAbsolutePath());
            }
            return path.toAbsolutePath().toString();
        };
    }
}
