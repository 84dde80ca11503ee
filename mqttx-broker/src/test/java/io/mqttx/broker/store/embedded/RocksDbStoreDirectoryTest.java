package io.mqttx.broker.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.MessageProperties;
import io.mqttx.broker.protocol.ProtocolVersion;
import io.mqttx.broker.store.QueuedMessage;
import io.mqttx.broker.store.SessionState;
import io.mqttx.broker.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory's permissions (CVE-2017-9868 class), the store's lifecycle, and the group commit. */
class RocksDbStoreDirectoryTest {
    @TempDir
    Path tmp;

    private static QueuedMessage entry(long seq) {
        ApplicationMessage m = new ApplicationMessage("t", new byte[100], 1, false, MessageProperties.NONE, "p", 0);
        return new QueuedMessage(seq, seq, m, 1, false, List.of(), 0, QueuedMessage.Phase.QUEUED);
    }

    /** Mode of every entry under the directory, recursively, by relative name. */
    private static Map<String, String> modes(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                out.put(dir.relativize(p).toString(),
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            }
        }
        return out;
    }

    private static void assertOwnerOnly(Path dir) throws IOException {
        Map<String, String> modes = modes(dir);
        assertThat(modes).isNotEmpty();
        modes.forEach((name, mode) -> {
            boolean isDir = Files.isDirectory(dir.resolve(name));
            assertThat(mode).as("mode of '%s'", name).isEqualTo(isDir ? "rwx------" : "rw-------");
        });
    }

    /** RocksDB creates files with the process umask as it flushes and compacts; the store narrows them while open. */
    @Test
    void aFileCreatedWhileTheStoreIsOpenIsNarrowedToTheOwner() throws IOException {
        Path dir = tmp.resolve("store");
        try (RocksDbBrokerStore store = new RocksDbBrokerStore(dir)) {
            Path created = Files.createFile(dir.resolve("000099.log"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(
                            RocksDbBrokerStore.SWEEP_PERIOD_SECONDS * 5L))
                    .until(() -> PosixFilePermissions.toString(Files.getPosixFilePermissions(created))
                            .equals("rw-------"));
            Files.delete(created);
        }
    }

    @Test
    void aNewStoreIsOwnerOnlyWhileOpenAndAfterClose() throws IOException {
        Path dir = tmp.resolve("a/b/store");
        try (RocksDbBrokerStore store = new RocksDbBrokerStore(dir)) {
            assertOwnerOnly(dir);
            assertThat(modes(dir)).containsKeys("MQTTX-STORE", "CURRENT");
            for (int i = 1; i <= 100; i++) {
                store.append("c", entry(i));
            }
        }
        assertOwnerOnly(dir);
        assertThat(modes(dir).keySet()).anyMatch(n -> n.endsWith(".sst"));
        new RocksDbBrokerStore(dir).close();
        assertOwnerOnly(dir);
    }

    @Test
    void anExistingStoreOpenToOthersIsNarrowedToItsOwner() throws IOException {
        Path dir = tmp.resolve("store");
        new RocksDbBrokerStore(dir).close();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-rw-rw-"));
            }
        }
        new RocksDbBrokerStore(dir).close();
        assertOwnerOnly(dir);
    }

    @Test
    void aClosedStoreThrowsAClearExceptionAndClosesTwiceHarmlessly() {
        RocksDbBrokerStore store = new RocksDbBrokerStore(tmp.resolve("store"));
        store.close();
        store.close();
        assertThatThrownBy(() -> store.append("c", entry(1))).isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(store::loadSessions).isInstanceOf(StoreException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> store.remove("c", 1)).isInstanceOf(StoreException.class);
    }

    @Test
    void withoutSyncCommitIsAlreadyComplete() {
        try (RocksDbBrokerStore store = new RocksDbBrokerStore(tmp.resolve("store"), false)) {
            store.append("c", entry(1));
            assertThat(store.commitsImmediately()).isTrue();
            assertThat(store.commit()).isCompleted();
        }
    }

    @Test
    void withSyncCommitsCompleteOnTheSyncThreadAndAllOfThemDo() {
        try (RocksDbBrokerStore store = new RocksDbBrokerStore(tmp.resolve("store"), true)) {
            assertThat(store.commitsImmediately()).isFalse();
            assertThat(store.commit()).as("nothing written, nothing to wait for").isCompleted();
            List<CompletableFuture<String>> threads = new ArrayList<>();
            for (int i = 1; i <= 200; i++) {
                store.append("c", entry(i));
                threads.add(store.commit().thenApply(v -> Thread.currentThread().getName()));
            }
            CompletableFuture.allOf(threads.toArray(new CompletableFuture[0])).orTimeout(10, java.util.concurrent
                    .TimeUnit.SECONDS).join();
            // a future completed before thenApply was attached runs it on this thread; the rest ran on the syncer
            assertThat(threads).extracting(CompletableFuture::join)
                    .allMatch(name -> name.equals("mqttx-store-sync") || name.equals(Thread.currentThread().getName()))
                    .contains("mqttx-store-sync");
            assertThat(store.commit()).as("everything is synced now").isCompleted();
        }
    }

    @Test
    void commitsWaitingWhenTheStoreClosesStillComplete() {
        RocksDbBrokerStore store = new RocksDbBrokerStore(tmp.resolve("store"), true);
        store.saveSession(new SessionState("c", ProtocolVersion.MQTT_5, 10, 0));
        CompletableFuture<Void> pending = store.commit();
        store.close();
        assertThat(pending).succeedsWithin(Duration.ofSeconds(5));
        assertThat(store.commit()).isCompleted(); // nothing written since: nothing to wait for
    }
}
