package io.mqttx.broker.store.embedded;

import io.mqttx.broker.store.StoreCorruptedException;
import io.mqttx.broker.store.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory of an embedded store: its owner-only permissions and its format marker.
 *
 * <p>The marker file {@value #MARKER} says "this directory is an mqttx store of format N" with a CRC-32 of that
 * statement. It is written before RocksDB creates anything, so a directory without one that holds files belongs to
 * someone else and is never touched, and a marker that is damaged or of another version stops the broker at start.
 *
 * <p>Permissions: the directory is 0700 and its files 0600. The JVM cannot set a umask, and RocksDB creates its files
 * with the process umask (typically 0644); what keeps other users out is the 0700 directory, which they cannot
 * enter. {@link #restrictFiles()} narrows every file to 0600 as well, at open, every few seconds while the store is
 * open, and at close. A launcher that sets {@code umask 077} closes the window between a file's creation and the next sweep.
 */
final class StoreDirectory {
    private static final Logger log = LoggerFactory.getLogger(StoreDirectory.class);

    static final String MARKER = "MQTTX-STORE";
    static final String CLEAN = "MQTTX-CLEAN-SHUTDOWN";
    static final String ORPHANS = "unreferenced-files";
    private static final String CLEAN_MAGIC = "mqttx-clean-shutdown";
    static final int FORMAT_VERSION = 1;
    private static final String MAGIC = "mqttx-store";
    private static final int MAX_MARKER_BYTES = 4096;
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;
    private final boolean posix;

    StoreDirectory(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
        this.posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    Path path() {
        return dir;
    }

    /** What {@link #prepare()} found. */
    enum State {
        /** nothing was there (or only a marker from an initialization that did not finish): create the database */
        NEW,
        /** a marker of our version, and database files: open them, create nothing */
        EXISTING
    }

    /**
     * Creates the directory (0700) or checks the one that is there, then reads or writes the marker.
     *
     * @throws StoreException if the directory is someone else's, of another format version, or damaged
     */
    State prepare() {
        try {
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
                throw new StoreException("store path " + dir + " exists and is not a directory");
            }
            if (!Files.exists(dir)) {
                if (posix) {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
                } else {
                    Files.createDirectories(dir);
                }
            }
            Path marker = dir.resolve(MARKER);
            if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
                if (!isEmpty()) {
                    throw new StoreException("store directory " + dir + " is not empty and has no " + MARKER
                            + " marker: it is not an mqttx store (another program's data?). Refusing to touch it;"
                            + " point the store at an empty or new directory");
                }
                restrictDirectory();
                writeMarker(marker);
                return State.NEW;
            }
            checkMarker(marker);
            restrictDirectory();
            return hasDatabase() ? State.EXISTING : State.NEW;
        } catch (IOException e) {
            throw new StoreException("cannot prepare store directory " + dir + ": " + e, e);
        }
    }

    /** Empty, or holding only a marker whose writing was interrupted before its rename (then removed). */
    private boolean isEmpty() throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        if (entries.size() == 1 && entries.get(0).getFileName().toString().equals(MARKER + ".tmp")) {
            Files.delete(entries.get(0));
            return true;
        }
        return entries.isEmpty();
    }

    /**
     * True if RocksDB left anything that holds data. A directory with only the marker (and perhaps RocksDB's LOCK,
     * LOG or OPTIONS files) is one whose creation was interrupted: creating the database there loses nothing. A
     * missing CURRENT next to data files, though, is damage, and must not be papered over by creating a new database.
     */
    private boolean hasDatabase() throws IOException {
        boolean current = Files.exists(dir.resolve("CURRENT"));
        boolean data = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith("MANIFEST-") || name.endsWith(".sst") || name.endsWith(".log")
                        || name.endsWith(".blob")) {
                    data = true;
                }
            }
        }
        if (data && !current) {
            throw new StoreCorruptedException("store directory " + dir + " holds database files but no CURRENT file:"
                    + " the store is damaged. " + RocksDbBrokerStore.RECOVERY_HINT);
        }
        return current;
    }

    static String markerText(int version) {
        String body = MAGIC + "\nformat-version=" + version + "\n";
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return body + "crc32=" + String.format("%08x", crc.getValue()) + "\n";
    }

    private void writeMarker(Path marker) throws IOException {
        Path tmp = dir.resolve(MARKER + ".tmp");
        byte[] text = markerText(FORMAT_VERSION).getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            restrict(tmp, FILE_MODE);
            ch.write(java.nio.ByteBuffer.wrap(text));
            ch.force(true);
        }
        try {
            Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory();
    }

    private void syncDirectory() {
        // makes the rename durable; not every platform can open a directory for that, and there it is skipped
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    private void checkMarker(Path marker) throws IOException {
        if (!Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreCorruptedException("store marker " + marker + " is not a regular file");
        }
        long size = Files.size(marker);
        if (size > MAX_MARKER_BYTES) {
            throw new StoreCorruptedException("store marker " + marker + " is " + size + " bytes: not an mqttx"
                    + " marker (damaged, or another program's file)");
        }
        String text = new String(Files.readAllBytes(marker), StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\n", -1);
        if (lines.length != 4 || !lines[0].equals(MAGIC) || !lines[1].startsWith("format-version=")
                || !lines[2].startsWith("crc32=") || !lines[3].isEmpty()) {
            throw new StoreCorruptedException("store marker " + marker + " is damaged or truncated (expected '"
                    + MAGIC + "', a format version and a checksum). " + RocksDbBrokerStore.RECOVERY_HINT);
        }
        String body = lines[0] + "\n" + lines[1] + "\n";
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.ISO_8859_1));
        if (!lines[2].equals("crc32=" + String.format("%08x", crc.getValue()))) {
            throw new StoreCorruptedException("store marker " + marker + " fails its checksum: it was damaged. "
                    + RocksDbBrokerStore.RECOVERY_HINT);
        }
        int version;
        try {
            version = Integer.parseInt(lines[1].substring("format-version=".length()));
        } catch (NumberFormatException e) {
            throw new StoreCorruptedException("store marker " + marker + " has no readable format version");
        }
        if (version != FORMAT_VERSION) {
            throw new StoreException("store " + dir + " has format version " + version + "; this broker reads"
                    + " version " + FORMAT_VERSION + " only. Use a broker release that reads version " + version
                    + ", or move the directory aside to start with an empty store");
        }
    }

    /**
     * Records the table files a clean shutdown left: RocksDB trusts its MANIFEST for which files make the database,
     * and deletes the others at open, so a truncated or stale MANIFEST would silently drop data. With this record
     * the next open can tell that from a clean state.
     */
    void writeCleanRecord(Set<String> liveFiles) {
        StringBuilder body = new StringBuilder(CLEAN_MAGIC).append('\n');
        new TreeSet<>(liveFiles).forEach(f -> body.append(f).append('\n'));
        CRC32 crc = new CRC32();
        crc.update(body.toString().getBytes(StandardCharsets.US_ASCII));
        body.append("crc32=").append(String.format("%08x", crc.getValue())).append('\n');
        Path tmp = dir.resolve(CLEAN + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                restrict(tmp, FILE_MODE);
                ch.write(java.nio.ByteBuffer.wrap(body.toString().getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(CLEAN), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
        } catch (IOException e) {
            // the next open checks less, and says so; the data itself is safe
            log.warn("cannot record the clean shutdown of store {}: {}", dir, e.toString());
        }
    }

    /** The files of the last clean shutdown, or null after a crash (or a first start). */
    Set<String> readCleanRecord() {
        Path file = dir.resolve(CLEAN);
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            if (Files.size(file) > (1 << 24)) {
                throw new StoreCorruptedException("clean-shutdown record " + file + " is too large: damaged. "
                        + RocksDbBrokerStore.RECOVERY_HINT);
            }
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            int crcAt = text.lastIndexOf("crc32=");
            String body = crcAt < 0 ? "" : text.substring(0, crcAt);
            CRC32 crc = new CRC32();
            crc.update(body.getBytes(StandardCharsets.ISO_8859_1));
            if (!body.startsWith(CLEAN_MAGIC + "\n")
                    || !text.substring(crcAt).equals("crc32=" + String.format("%08x", crc.getValue()) + "\n")) {
                throw new StoreCorruptedException("clean-shutdown record " + file + " is damaged or truncated. "
                        + RocksDbBrokerStore.RECOVERY_HINT);
            }
            Set<String> files = new TreeSet<>();
            for (String line : body.split("\n")) {
                if (!line.isEmpty() && !line.equals(CLEAN_MAGIC)) {
                    files.add(line);
                }
            }
            return files;
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e, e);
        }
    }

    void deleteCleanRecord() {
        try {
            Files.deleteIfExists(dir.resolve(CLEAN));
            syncDirectory();
        } catch (IOException e) {
            throw new StoreException("cannot delete " + dir.resolve(CLEAN) + ": " + e, e);
        }
    }

    /** The table and blob files in the directory: what RocksDB would delete at open if its MANIFEST forgot them. */
    Set<String> tableFiles() {
        Set<String> out = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.endsWith(".sst") || name.endsWith(".blob")) {
                    out.add(name);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot list store directory " + dir + ": " + e, e);
        }
        return out;
    }

    /**
     * Moves table files that no MANIFEST references into {@value #ORPHANS}, where RocksDB will not delete them. After a
     * crash these are most likely the obsolete inputs or unfinished outputs of a compaction, but keeping them costs
     * only disk, and an operator can look before deleting.
     */
    void quarantine(Set<String> files) {
        Path into = dir.resolve(ORPHANS);
        try {
            Files.createDirectories(into);
            restrict(into, DIR_MODE);
            for (String f : files) {
                Files.move(dir.resolve(f), into.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory();
        } catch (IOException e) {
            throw new StoreException("cannot move unreferenced files of store " + dir + " aside: " + e, e);
        }
        log.warn("store {}: moved {} table files that the database does not reference (left by a crash?) to {}:"
                + " delete them once you see no need for them", dir, files.size(), into);
    }

    /** Narrows the directory to 0700, warning if it was open to others. */
    private void restrictDirectory() throws IOException {
        if (!posix) {
            return;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        if (!mode.equals(DIR_MODE)) {
            if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                log.warn("store directory {} was {}: restricting it to its owner (rwx------)", dir,
                        PosixFilePermissions.toString(mode));
            }
            Files.setPosixFilePermissions(dir, DIR_MODE);
        }
    }

    /** Narrows every file in the directory to 0600; safe to call at any time, from any thread. */
    void restrictFiles() {
        if (!posix) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    restrict(p, FILE_MODE);
                }
            }
        } catch (IOException e) {
            log.warn("cannot restrict the permissions of the files in {}: {}", dir, e.toString());
        }
    }

    private void restrict(Path p, Set<PosixFilePermission> mode) {
        if (!posix) {
            return;
        }
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!view.readAttributes().permissions().equals(mode)) {
                view.setPermissions(mode);
            }
        } catch (IOException e) {
            // a file RocksDB deleted meanwhile (an obsolete WAL or SST): nothing to protect
            log.debug("cannot restrict {}: {}", p, e.toString());
        }
    }
}
