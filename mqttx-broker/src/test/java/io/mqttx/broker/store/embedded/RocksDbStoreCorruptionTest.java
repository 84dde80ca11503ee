package io.mqttx.broker.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.MessageProperties;
import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.protocol.Subscription;
import io.mqttx.broker.store.QueuedMessage;
import io.mqttx.broker.store.SessionState;
import io.mqttx.broker.store.StoreCorruptedException;
import io.mqttx.broker.store.StoreException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A store the broker cannot trust must stop it at open with one clear message: never open silently with data
 * missing, never fail later, never crash the JVM.
 */
class RocksDbStoreCorruptionTest {
    @TempDir
    Path tmp;
    Path dir;

    @BeforeEach
    void writeAStore() {
        dir = tmp.resolve("store");
        try (RocksDbBrokerStore store = new RocksDbBrokerStore(dir)) {
            Random random = new Random(1);
            for (int c = 0; c < 20; c++) {
                String client = "client-" + c;
                store.saveSession(new SessionState(client, ProtocolVersion.MQTT_5, 3600, 0));
                store.saveSubscription(client, Subscription.of("t/" + c + "/#", 1), 0);
                for (int i = 1; i <= 50; i++) {
                    byte[] payload = new byte[200];
                    random.nextBytes(payload);
                    ApplicationMessage m = new ApplicationMessage("t/" + c, payload, 1, false,
                            MessageProperties.NONE, "p", 0);
                    store.append(client, new QueuedMessage(i, c * 1000L + i, m, 1, false, List.of(), 0,
                            QueuedMessage.Phase.QUEUED));
                }
                store.addAwaitingRelease(client, 3);
            }
            store.put(new ApplicationMessage("r", "retained".getBytes(StandardCharsets.UTF_8), 0, true,
                    MessageProperties.NONE, "p", 0));
        }
    }

    private List<Path> files(String suffixOrPrefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(suffixOrPrefix) || n.startsWith(suffixOrPrefix);
            }).sorted().toList();
        }
    }

    private static void flipBit(Path file, long offset, int bit) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ (1 << bit));
        }
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    @Test
    void theUntouchedStoreOpensWithEverythingInIt() {
        try (RocksDbBrokerStore store = new RocksDbBrokerStore(dir)) {
            assertThat(store.loadSessions()).hasSize(20);
            assertThat(store.load("client-7")).hasSize(50);
            assertThat(store.storedPayloads()).isEqualTo(1000);
        }
    }

    @Test
    void aBitFlippedAnywhereInAnSstFileIsFoundAtOpen() throws IOException {
        List<Path> ssts = files(".sst");
        assertThat(ssts).isNotEmpty();
        Path backup = tmp.resolve("backup");
        copyDir(dir, backup);
        Random random = new Random(42);
        for (int round = 0; round < 12; round++) {
            Path sst = ssts.get(random.nextInt(ssts.size()));
            long offset = (long) (random.nextDouble() * Files.size(sst));
            flipBit(sst, offset, random.nextInt(8));
            assertThatThrownBy(() -> new RocksDbBrokerStore(dir).close())
                    .as("bit flipped at %d of %s", offset, sst.getFileName())
                    .isInstanceOf(StoreCorruptedException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("damaged");
            deleteDir(dir);
            copyDir(backup, dir);
        }
    }

    @ParameterizedTest(name = "truncated {0}")
    @ValueSource(strings = {".sst", "MANIFEST-", "CURRENT", StoreDirectory.CLEAN})
    void aTruncatedFileIsFoundAtOpen(String which) throws IOException {
        List<Path> targets = files(which);
        assertThat(targets).isNotEmpty();
        Path target = targets.get(targets.size() - 1);
        truncate(target, Files.size(target) / 2);
        assertThatThrownBy(() -> new RocksDbBrokerStore(dir).close())
                .isInstanceOf(StoreCorruptedException.class)
                .hasMessageContaining(dir.toString());
    }

    @Test
    void aTruncatedOptionsFileIsHarmlessAsRocksDbWritesANewOneAtOpen() throws IOException {
        Path options = files("OPTIONS-").get(0);
        truncate(options, Files.size(options) / 2);
        try (RocksDbBrokerStore store = new RocksDbBrokerStore(dir)) {
            assertThat(store.loadSessions()).hasSize(20);
            assertThat(store.storedPayloads()).isEqualTo(1000);
        }
    }

    @Test
    void afterACrashTableFilesNoManifestReferencesAreMovedAsideNotDeleted() throws IOException {
        Files.delete(dir.resolve(StoreDirectory.CLEAN)); // as after kill -9
        Path sst = files(".sst").get(0);
        Files.copy(sst, dir.resolve("999999.sst"));
        try (RocksDbBrokerStore store = new RocksDbBrokerStore(dir)) {
            assertThat(store.loadSessions()).hasSize(20);
            assertThat(store.storedPayloads()).isEqualTo(1000);
        }
        assertThat(dir.resolve(StoreDirectory.ORPHANS).resolve("999999.sst")).exists();
        assertThat(dir.resolve("999999.sst")).doesNotExist();
    }

    @Test
    void anUnknownTableFileAfterACleanShutdownIsDamage() throws IOException {
        Files.copy(files(".sst").get(0), dir.resolve("999999.sst"));
        assertThatThrownBy(() -> new RocksDbBrokerStore(dir).close())
                .isInstanceOf(StoreCorruptedException.class)
                .hasMessageContaining("999999.sst");
    }

    @Test
    void aMissingSstFileIsFoundAtOpen() throws IOException {
        Files.delete(files(".sst").get(0));
        assertThatThrownBy(() -> new RocksDbBrokerStore(dir).close()).isInstanceOf(StoreCorruptedException.class);
    }

    @Test
    void aMissingCurrentFileIsDamageNotANewStore() throws IOException {
        Files.delete(dir.resolve("CURRENT"));
        assertThatThrownBy(() -> new RocksDbBrokerStore(dir).close())
                .isInstanceOf(StoreCorruptedException.class)
                .hasMessageContaining("no CURRENT file");
    }

    @Test
    void aBitFlippedMarkerIsFoundAtOpen() throws IOException {
        Path marker = dir.resolve(StoreDirectory.MARKER);
        for (long offset = 0; offset < Files.size(marker); offset++) {
            flipBit(marker, offset, 0);
            assertThatThrownBy(() -> new RocksDbBrokerStore(dir).close())
                    .as("marker bit flipped at %d", offset)
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(StoreDirectory.MARKER);
            flipBit(marker, offset, 0);
        }
        new RocksDbBrokerStore(dir).close();
    }

    @Test
    void aTruncatedOrEmptyMarkerIsFoundAtOpen() throws IOException {
        Path marker = dir.resolve(StoreDirectory.MARKER);
        truncate(marker, 20);
        assertThatThrownBy(() -> new RocksDbBrokerStore(dir).close()).isInstanceOf(StoreCorruptedException.class)
                .hasMessageContaining("damaged or truncated");
        truncate(marker, 0);
        assertThatThrownBy(() -> new RocksDbBrokerStore(dir).close()).isInstanceOf(StoreCorruptedException.class);
    }

    @Test
    void anotherFormatVersionIsRefusedWithTheVersionsNamed() throws IOException {
        Files.writeString(dir.resolve(StoreDirectory.MARKER), StoreDirectory.markerText(2), StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> new RocksDbBrokerStore(dir).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("format version 2")
                .hasMessageContaining("reads version 1");
    }

    @Test
    void aMissingMarkerMakesTheStoreAForeignDirectory() throws IOException {
        Files.delete(dir.resolve(StoreDirectory.MARKER));
        assertThatThrownBy(() -> new RocksDbBrokerStore(dir).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("not an mqttx store");
    }

    @Test
    void aForeignProgramsDirectoryIsNeverTouched() throws IOException {
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("postgresql.conf"), "max_connections = 100\n");
        Files.writeString(foreign.resolve("CURRENT"), "MANIFEST-000001\n");
        Files.setPosixFilePermissions(foreign, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
        String before = "rwxr-x---";
        assertThatThrownBy(() -> new RocksDbBrokerStore(foreign).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("not an mqttx store");
        try (Stream<Path> s = Files.list(foreign)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("postgresql.conf", "CURRENT");
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(foreign)))
                .as("not even its permissions change").isEqualTo(before);
    }

    @Test
    void anotherRocksDbDatabaseIsAForeignDirectory() throws Exception {
        Path other = tmp.resolve("other-rocksdb");
        try (org.rocksdb.Options o = new org.rocksdb.Options().setCreateIfMissing(true);
             org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(o, other.toString())) {
            db.put("k".getBytes(), "v".getBytes());
        }
        assertThatThrownBy(() -> new RocksDbBrokerStore(other).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("not an mqttx store");
    }

    @Test
    void aPathThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThatThrownBy(() -> new RocksDbBrokerStore(file).close())
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("not a directory");
    }

    @Test
    void aStoreInUseByAnotherOpenerIsRefused() {
        try (RocksDbBrokerStore first = new RocksDbBrokerStore(dir)) {
            assertThatThrownBy(() -> new RocksDbBrokerStore(dir).close())
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("in use");
            assertThat(first.loadSessions()).hasSize(20);
        }
    }

    private static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }

    private static void deleteDir(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            for (Path p : s.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(d);
    }
}
