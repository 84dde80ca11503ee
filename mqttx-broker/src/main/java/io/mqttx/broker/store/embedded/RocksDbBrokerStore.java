package io.mqttx.broker.store.embedded;

import io.mqttx.broker.protocol.ApplicationMessage;
import io.mqttx.broker.protocol.Subscription;
import io.mqttx.broker.store.BrokerStore;
import io.mqttx.broker.store.MessageQueueStore;
import io.mqttx.broker.store.QueuedMessage;
import io.mqttx.broker.store.RetainedStore;
import io.mqttx.broker.store.SessionState;
import io.mqttx.broker.store.SessionStore;
import io.mqttx.broker.store.StoreCorruptedException;
import io.mqttx.broker.store.StoreException;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import org.rocksdb.AbstractWriteBatch;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded durable store, on RocksDB: the broker's default.
 *
 * <h2>Durability</h2>
 * Every write is one RocksDB {@link WriteBatch} (atomic: a queue entry and the payload it adds, or a removal and the
 * payload it frees), written to the write-ahead log before the method returns; inside {@link #atomically} all the
 * writes of the unit are one batch, written when it ends.
 * <ul>
 *   <li>{@code sync=false} (default): the log is not fsynced. Whatever a method returned survives a crash of the
 *   process ({@code kill -9}), not necessarily one of the machine. {@link #commit()} is always already complete.</li>
 *   <li>{@code sync=true}: {@link #commit()} completes once the log is fsynced past every write issued before it.
 *   One writer thread fsyncs for all callers (group commit): the commits that arrive during one fsync are all
 *   completed by the next. {@code commit()} never blocks.</li>
 * </ul>
 *
 * <h2>Payloads</h2>
 * A message is stored once under its message id and referenced by every queue entry of it; the store counts the
 * references in memory (rebuilt from the queue entries at open) and deletes the payload with its last reference, in
 * the same batch.
 *
 * <h2>Opening</h2>
 * The constructor checks the directory ({@link StoreDirectory}: owner-only permissions, format marker), opens the
 * database and reads every record once, verifying RocksDB's block checksums and our encoding. A foreign, damaged,
 * truncated or wrong-version store is a {@link StoreException} (a {@link StoreCorruptedException} for damage) with
 * one clear message, at open: never a failure later. See {@link #RECOVERY_HINT} for what an operator can do then.
 */
public final class RocksDbBrokerStore implements BrokerStore, SessionStore, MessageQueueStore, RetainedStore {
    private static final Logger log = LoggerFactory.getLogger(RocksDbBrokerStore.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final byte[] FORMAT_KEY = "format-version".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** What the operator can do with a store that cannot be opened; part of every such error. */
    public static final String RECOVERY_HINT = "To recover, restore the directory from a backup, or move it aside"
            + " to start with an empty store; RocksDB's 'ldb --db=<dir> repair' (tools of RocksDB 10.10 or later)"
            + " may salvage part of the data, which the broker verifies again when it opens the store";

    private static final List<String> FAMILIES = List.of("default", "sessions", "subscriptions", "queues",
            "flight", "inbound", "messages", "retained");

    private final StoreDirectory directory;
    private final boolean sync;

    private final LRUCache blockCache;
    private final ColumnFamilyOptions familyOptions;
    private final DBOptions dbOptions;
    private final WriteOptions writeOptions;
    /**
     * Narrows the files RocksDB creates (log, tables, MANIFEST) to 0600 every {@link #SWEEP_PERIOD_SECONDS} seconds.
     * Not a RocksDB event listener: RocksJava calls listeners on native threads that resolve their argument classes
     * with the system class loader, which cannot see RocksJava inside a Spring Boot jar (NoClassDefFoundError on
     * every flush).
     */
    private final ScheduledExecutorService sweeper;
    static final int SWEEP_PERIOD_SECONDS = 2;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle sessionsCf;
    private final ColumnFamilyHandle subscriptionsCf;
    private final ColumnFamilyHandle queuesCf;
    private final ColumnFamilyHandle flightCf;
    private final ColumnFamilyHandle inboundCf;
    private final ColumnFamilyHandle messagesCf;
    private final ColumnFamilyHandle retainedCf;

    /**
     * Guards the native handles: every operation holds the read lock, {@link #close()} the write lock, so that no
     * call can touch a freed handle (which would crash the JVM instead of throwing).
     */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    /**
     * Serializes the writes that change reference counts (append, remove, deleteSession): a count and the batch
     * that adds or frees the payload must reach the log in the same order on every thread, or a payload could be
     * freed just after another session referenced it anew.
     */
    private final Object refLock = new Object();
    private final Map<Long, Ref> refs = new ConcurrentHashMap<>();
    private final AtomicLong maxMessageId = new AtomicLong();

    /** Writes issued (counted once in the log), and how many of them an fsync has covered: group commit. */
    private final AtomicLong writes = new AtomicLong();
    private volatile long synced;
    private final Object syncLock = new Object();
    private List<CompletableFuture<Void>> waiting = new ArrayList<>();
    private boolean stopping;
    private final Thread syncer;

    /** The atomic unit this thread is filling, inside {@link #atomically}. */
    private final ThreadLocal<Unit> unit = new ThreadLocal<>();

    /** The writes of one {@link #atomically} call, and how to take back the reference counts they changed. */
    private static final class Unit {
        final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
        final List<Runnable> undo = new ArrayList<>();
    }

    /** References to one stored message; {@code count} is changed under {@link #refLock} only. */
    private static final class Ref {
        int count;
        volatile WeakReference<ApplicationMessage> loaded;

        Ref(int count) {
            this.count = count;
        }
    }

    /** Opens (or creates) the store in {@code directory}, writing to the log without fsync. */
    public RocksDbBrokerStore(Path directory) {
        this(directory, false);
    }

    /**
     * Opens (or creates) the store in {@code directory}.
     *
     * @param sync fsync the log before {@link #commit()} completes (machine-crash safe), instead of leaving it to
     *             the operating system (process-crash safe)
     * @throws StoreException if the directory cannot be used: someone else's, of another format version, damaged
     *                        (then a {@link StoreCorruptedException}), or locked by another process
     */
    public RocksDbBrokerStore(Path directory, boolean sync) {
        loadNativeLibrary();
        this.directory = new StoreDirectory(directory);
        this.sync = sync;
        StoreDirectory.State state = this.directory.prepare();
        boolean fresh = state == StoreDirectory.State.NEW;
        String path = this.directory.path().toString();

        blockCache = new LRUCache(64L << 20);
        familyOptions = new ColumnFamilyOptions()
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setWriteBufferSize(32L << 20)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache));
        dbOptions = new DBOptions()
                .setCreateIfMissing(fresh)
                .setCreateMissingColumnFamilies(fresh)
                .setParanoidChecks(true)
                .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
                // without a bound, the log of a busy queue family would be kept for the sake of an idle one
                .setMaxTotalWalSize(128L << 20)
                .setDbWriteBufferSize(128L << 20)
                .setMaxBackgroundJobs(2)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(3);
        writeOptions = new WriteOptions().setSync(false);

        RocksDB opened = null;
        try {
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (String name : FAMILIES) {
                descriptors.add(new ColumnFamilyDescriptor(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        familyOptions));
            }
            if (!fresh) {
                checkFamilies(path);
                checkTableFiles(path, descriptors);
            }
            opened = RocksDB.open(dbOptions, path, descriptors, handles);
            // from here on the files change: only the next clean close may vouch for them again
            this.directory.deleteCleanRecord();
        } catch (RocksDBException e) {
            closeOptions();
            throw translate("cannot open store " + path, e);
        } catch (RuntimeException e) {
            closeOptions();
            throw e;
        }
        db = opened;
        meta = handles.get(0);
        sessionsCf = handles.get(1);
        subscriptionsCf = handles.get(2);
        queuesCf = handles.get(3);
        flightCf = handles.get(4);
        inboundCf = handles.get(5);
        messagesCf = handles.get(6);
        retainedCf = handles.get(7);
        try {
            checkFormat(fresh);
            verifyAndCount();
        } catch (RuntimeException e) {
            closeNative();
            throw e;
        }
        this.directory.restrictFiles();
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqttx-store-permissions");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this.directory::restrictFiles, SWEEP_PERIOD_SECONDS, SWEEP_PERIOD_SECONDS,
                TimeUnit.SECONDS);
        if (sync) {
            syncer = new Thread(this::syncLoop, "mqttx-store-sync");
            syncer.setDaemon(true);
            syncer.start();
        } else {
            syncer = null;
        }
        log.info("store {} opened ({} mode): {} stored messages", path, sync ? "fsync" : "no-fsync", refs.size());
    }

    // ---------------------------------------------------------------- opening

    /** RocksDB's JNI library, unpacked to {@code java.io.tmpdir}: a failure there is a clear error, not a crash. */
    private static void loadNativeLibrary() {
        try {
            RocksDB.loadLibrary();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new StoreException("cannot load RocksDB's native library (" + e + "). It is unpacked into"
                    + " java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + "), which must allow executing"
                    + " files; set -Djava.io.tmpdir or ROCKSDB_SHAREDLIB_DIR otherwise", e);
        }
    }

    private void checkFamilies(String path) throws RocksDBException {
        Set<String> found = new HashSet<>();
        try (Options options = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(options, path)) {
                found.add(new String(name, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        if (!found.equals(new HashSet<>(FAMILIES))) {
            throw new StoreCorruptedException("store " + path + " has column families " + found + ", expected "
                    + FAMILIES + ": it is damaged or was written by another program. " + RECOVERY_HINT);
        }
    }

    /**
     * Opens the database read-only (which deletes nothing) to compare the table files its MANIFEST references with
     * those on disk and those the last clean shutdown recorded. A MANIFEST that lost files (truncated, or an old copy)
     * would otherwise make RocksDB delete them at open: here it is damage, reported before anything is touched.
     */
    private void checkTableFiles(String path, List<ColumnFamilyDescriptor> descriptors) throws RocksDBException {
        Set<String> live = new java.util.TreeSet<>();
        List<ColumnFamilyHandle> readOnlyHandles = new ArrayList<>();
        try (RocksDB readOnly = RocksDB.openReadOnly(dbOptions, path, descriptors, readOnlyHandles)) {
            for (org.rocksdb.LiveFileMetaData f : readOnly.getLiveFilesMetaData()) {
                String name = f.fileName();
                live.add(name.startsWith("/") ? name.substring(1) : name);
            }
        } finally {
            readOnlyHandles.forEach(ColumnFamilyHandle::close);
        }
        Set<String> onDisk = directory.tableFiles();
        Set<String> clean = directory.readCleanRecord();
        if (clean != null && !clean.equals(live)) {
            Set<String> forgotten = new java.util.TreeSet<>(clean);
            forgotten.removeAll(live);
            throw new StoreCorruptedException("store " + path + ": its MANIFEST does not reference " + forgotten
                    + ", which the last clean shutdown left in the database (MANIFEST truncated or replaced?): the"
                    + " store is damaged. " + RECOVERY_HINT);
        }
        Set<String> orphans = new java.util.TreeSet<>(onDisk);
        orphans.removeAll(live);
        if (!orphans.isEmpty()) {
            if (clean != null) {
                throw new StoreCorruptedException("store " + path + " holds table files " + orphans + " that neither"
                        + " its MANIFEST nor the last clean shutdown knows: the store is damaged. " + RECOVERY_HINT);
            }
            directory.quarantine(orphans);
        }
    }

    private void checkFormat(boolean fresh) {
        try {
            byte[] format = db.get(meta, FORMAT_KEY);
            if (format == null) {
                if (!fresh || !allEmpty()) {
                    throw new StoreCorruptedException("store " + directory.path() + " has no format record: it is"
                            + " damaged. " + RECOVERY_HINT);
                }
                try (WriteOptions durable = new WriteOptions().setSync(true)) {
                    db.put(meta, durable, FORMAT_KEY, new byte[] {StoreDirectory.FORMAT_VERSION});
                }
                return;
            }
            if (format.length != 1 || format[0] != StoreDirectory.FORMAT_VERSION) {
                throw new StoreException("store " + directory.path() + " records format version "
                        + (format.length == 1 ? Integer.toString(format[0]) : "(unreadable)") + " but its marker says "
                        + StoreDirectory.FORMAT_VERSION + ": damaged or tampered with. " + RECOVERY_HINT);
            }
        } catch (RocksDBException e) {
            throw translate("cannot read the format of store " + directory.path(), e);
        }
    }

    private boolean allEmpty() {
        for (ColumnFamilyHandle h : handles) {
            if (h == meta) {
                continue;
            }
            try (RocksIterator it = db.newIterator(h)) {
                it.seekToFirst();
                if (it.isValid()) {
                    return false;
                }
                it.status();
            } catch (RocksDBException e) {
                throw translate("cannot read store " + directory.path(), e);
            }
        }
        return true;
    }

    /**
     * Reads every record once: RocksDB verifies the checksum of every block it reads, we verify that every value
     * decodes, and the payload reference counts are rebuilt. Payloads no entry references (left by nothing we know
     * of, but harmless) are deleted; an entry whose payload is missing is damage.
     */
    private void verifyAndCount() {
        String where = directory.path().toString();
        Map<Long, int[]> counts = new HashMap<>();
        scan(sessionsCf, null, (k, v) -> Records.decodeSession(Records.clientIdOf(k, "session key"), v));
        scan(subscriptionsCf, null, (k, v) -> Records.decodeSubscription(Records.filterOf(k), v));
        scan(inboundCf, null, (k, v) -> {
            Records.packetIdOf(k);
            Records.checkInbound(v, "inbound packet id");
        });
        scan(flightCf, null, (k, v) -> {
            Records.sequenceOf(k, "flight key");
            Records.decodeFlight(v, "flight record");
        });
        scan(queuesCf, null, (k, v) -> {
            Records.sequenceOf(k, "queue key");
            Records.Entry e = Records.decodeEntry(v, "queue entry");
            counts.computeIfAbsent(e.messageId(), id -> new int[1])[0]++;
        });
        scan(retainedCf, null, (k, v) -> Records.decodeMessage(v, "retained message"));
        List<byte[]> orphans = new ArrayList<>();
        Set<Long> present = new HashSet<>();
        scan(messagesCf, null, (k, v) -> {
            long id = Records.messageIdOf(k);
            Records.checkMessage(v, "message " + id);
            if (counts.containsKey(id)) {
                present.add(id);
            } else {
                orphans.add(k);
            }
        });
        for (Map.Entry<Long, int[]> e : counts.entrySet()) {
            if (!present.contains(e.getKey())) {
                throw new StoreCorruptedException("store " + where + ": message " + e.getKey() + " is queued for "
                        + e.getValue()[0] + " session(s) but its payload is missing: the store is damaged. "
                        + RECOVERY_HINT);
            }
            refs.put(e.getKey(), new Ref(e.getValue()[0]));
            maxMessageId.accumulateAndGet(e.getKey(), Math::max);
        }
        if (!orphans.isEmpty()) {
            log.warn("store {}: deleting {} unreferenced payloads", where, orphans.size());
            try (WriteBatch batch = new WriteBatch()) {
                for (byte[] k : orphans) {
                    batch.delete(messagesCf, k);
                }
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw translate("cannot clean store " + where, e);
            }
        }
    }

    /** Iterates a family, or the keys with a prefix; translates RocksDB's and our decoding errors. */
    private void scan(ColumnFamilyHandle family, byte[] prefix, BiConsumer<byte[], byte[]> each) {
        try (ReadOptions options = new ReadOptions();
             Slice upper = prefix == null ? null : new Slice(Records.prefixEnd(prefix))) {
            if (upper != null) {
                options.setIterateUpperBound(upper);
            } else {
                // a whole family, read once at open: large sequential reads, and no eviction of what is cached
                options.setReadaheadSize(4L << 20).setFillCache(false);
            }
            Unit u = unit.get();
            try (RocksIterator base = db.newIterator(family, options);
                 RocksIterator it = u == null ? base : u.batch.newIteratorWithBase(family, base)) {
                if (prefix == null) {
                    it.seekToFirst();
                } else {
                    it.seek(prefix);
                }
                // the unit's own writes are not bounded by the base iterator's upper bound: check the prefix
                for (; it.isValid() && (prefix == null || startsWith(it.key(), prefix)); it.next()) {
                    each.accept(it.key(), it.value());
                }
                it.status();
            }
        } catch (RocksDBException e) {
            throw translate("cannot read store " + directory.path(), e);
        } catch (StoreCorruptedException e) {
            throw new StoreCorruptedException("store " + directory.path() + ": " + e.getMessage() + ". "
                    + RECOVERY_HINT, e);
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length
                && java.util.Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private StoreException translate(String what, RocksDBException e) {
        Status status = e.getStatus();
        Status.Code code = status == null ? null : status.getCode();
        if (code == Status.Code.Corruption) {
            return new StoreCorruptedException(what + ": the store is damaged (" + e.getMessage() + "). "
                    + RECOVERY_HINT, e);
        }
        String message = String.valueOf(e.getMessage());
        if (code == Status.Code.IOError && message.contains("LOCK")) {
            return new StoreException(what + ": the directory is in use by another broker process (" + message + ")",
                    e);
        }
        if (code == Status.Code.InvalidArgument || code == Status.Code.NotFound || code == Status.Code.NotSupported) {
            return new StoreCorruptedException(what + ": " + message + ". " + RECOVERY_HINT, e);
        }
        return new StoreException(what + ": " + message, e);
    }

    // ---------------------------------------------------------------- plumbing

    private Lock open() {
        Lock lock = lifecycle.readLock();
        lock.lock();
        if (closed) {
            lock.unlock();
            throw new StoreException("store " + directory.path() + " is closed");
        }
        return lock;
    }

    private void write(WriteBatch batch) throws RocksDBException {
        db.write(writeOptions, batch);
        writes.incrementAndGet();
    }

    private void write(WriteBatchWithIndex batch) throws RocksDBException {
        db.write(writeOptions, batch);
        writes.incrementAndGet();
    }

    private interface BatchWork {
        void fill(AbstractWriteBatch batch) throws RocksDBException;
    }

    /** Fills a batch and records, in {@code undo}, how to take back the reference counts it changed. */
    private interface RefWork {
        void fill(AbstractWriteBatch batch, List<Runnable> undo) throws RocksDBException;
    }

    /** One write that changes no reference count: alone, or as part of this thread's atomic unit. */
    private void writeBatch(String what, BatchWork work) {
        Unit u = unit.get();
        if (u != null) {
            try {
                work.fill(u.batch);
            } catch (RocksDBException e) {
                throw translate("store write failed (" + what + ")", e);
            }
            return;
        }
        Lock lock = open();
        try (WriteBatch batch = new WriteBatch()) {
            work.fill(batch);
            write(batch);
        } catch (RocksDBException e) {
            throw translate("store write failed (" + what + ")", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One write that changes reference counts, under {@link #refLock}: the counts change as the batch is filled and
     * are taken back if it cannot be written. Inside an atomic unit the batch is the unit's, and so is the undo.
     */
    private void refWrite(String what, RefWork work) {
        Unit u = unit.get();
        if (u != null) {
            try {
                work.fill(u.batch, u.undo);
            } catch (RocksDBException e) {
                throw translate("store write failed (" + what + ")", e);
            }
            return;
        }
        Lock lock = open();
        try {
            synchronized (refLock) {
                List<Runnable> undo = new ArrayList<>();
                try (WriteBatch batch = new WriteBatch()) {
                    work.fill(batch, undo);
                    write(batch);
                } catch (RocksDBException e) {
                    rollback(undo);
                    throw translate("store write failed (" + what + ")", e);
                } catch (RuntimeException | Error e) {
                    rollback(undo);
                    throw e;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static void rollback(List<Runnable> undo) {
        for (int i = undo.size() - 1; i >= 0; i--) {
            undo.get(i).run();
        }
    }

    /** Adds a reference to a message; true if it is the first, so that the payload must be written. */
    private boolean addRef(long id, ApplicationMessage message, List<Runnable> undo) {
        Ref ref = refs.get(id);
        if (ref == null) {
            Ref fresh = new Ref(1);
            fresh.loaded = new WeakReference<>(message);
            refs.put(id, fresh);
            undo.add(() -> refs.remove(id));
            return true;
        }
        ref.count++;
        undo.add(() -> ref.count--);
        return false;
    }

    /** Drops {@code n} references to a message; true if they were the last, so that the payload must go. */
    private boolean dropRefs(long id, int n, List<Runnable> undo) {
        Ref ref = refs.get(id);
        if (ref == null) {
            return false;
        }
        if (ref.count <= n) {
            int before = ref.count;
            refs.remove(id);
            ref.count = 0;
            undo.add(() -> {
                ref.count = before;
                refs.put(id, ref);
            });
            return true;
        }
        ref.count -= n;
        undo.add(() -> ref.count += n);
        return false;
    }

    /** A point read that sees this thread's atomic unit, if any. */
    private byte[] get(ColumnFamilyHandle family, byte[] key) throws RocksDBException {
        Unit u = unit.get();
        if (u == null) {
            return db.get(family, key);
        }
        try (ReadOptions options = new ReadOptions()) {
            return u.batch.getFromBatchAndDB(db, family, options, key);
        }
    }

    private List<byte[][]> collect(ColumnFamilyHandle family, byte[] prefix) {
        List<byte[][]> out = new ArrayList<>();
        scan(family, prefix, (k, v) -> out.add(new byte[][] {k, v}));
        return out;
    }

    // ---------------------------------------------------------------- BrokerStore

    @Override
    public SessionStore sessions() {
        return this;
    }

    @Override
    public MessageQueueStore queues() {
        return this;
    }

    @Override
    public RetainedStore retained() {
        return this;
    }

    @Override
    public CompletableFuture<Void> commit() {
        if (!sync || writes.get() <= synced) {
            return DONE;
        }
        CompletableFuture<Void> future = new CompletableFuture<>();
        synchronized (syncLock) {
            if (stopping) {
                future.completeExceptionally(new StoreException("store " + directory.path() + " is closed"));
            } else {
                waiting.add(future);
                syncLock.notifyAll();
            }
        }
        return future;
    }

    @Override
    public boolean commitsImmediately() {
        return !sync;
    }

    /**
     * The writes {@code work} makes on this thread go into one indexed batch (which this thread's reads see), written
     * as one atomic RocksDB write at the end. The reference lock is held throughout, so no other thread removes an
     * entry of the unit before it is written; if {@code work} throws, nothing is written and the reference counts
     * are taken back.
     */
    @Override
    public void atomically(Runnable work) {
        if (unit.get() != null) {
            work.run();
            return;
        }
        Lock lock = open();
        try {
            synchronized (refLock) {
                Unit u = new Unit();
                unit.set(u);
                try {
                    work.run();
                    unit.remove();
                    if (u.batch.count() > 0) {
                        write(u.batch);
                    }
                } catch (RocksDBException e) {
                    rollback(u.undo);
                    throw translate("store write failed (atomic unit)", e);
                } catch (RuntimeException | Error e) {
                    rollback(u.undo);
                    throw e;
                } finally {
                    unit.remove();
                    u.batch.close();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The group commit: one fsync completes every commit that was waiting when it began. */
    private void syncLoop() {
        while (true) {
            List<CompletableFuture<Void>> round;
            synchronized (syncLock) {
                while (waiting.isEmpty() && !stopping) {
                    try {
                        syncLock.wait();
                    } catch (InterruptedException e) {
                        // only close() stops this thread, through stopping
                    }
                }
                if (waiting.isEmpty()) {
                    return;
                }
                round = waiting;
                waiting = new ArrayList<>();
            }
            long upTo = writes.get();
            Throwable failure = null;
            Lock lock = lifecycle.readLock();
            lock.lock();
            try {
                db.syncWal();
                synced = Math.max(synced, upTo);
            } catch (RocksDBException e) {
                failure = translate("fsync of the store log failed", e);
                log.error("store {}: fsync failed; {} commits fail", directory.path(), round.size(), e);
            } catch (RuntimeException e) {
                failure = e;
                log.error("store {}: fsync failed; {} commits fail", directory.path(), round.size(), e);
            } finally {
                lock.unlock();
            }
            for (CompletableFuture<Void> f : round) {
                if (failure == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(failure);
                }
            }
        }
    }

    /**
     * Completes the commits still waiting, flushes the memtables (so that the next open replays no log) and frees
     * everything native. Idempotent.
     */
    @Override
    public void close() {
        sweeper.shutdownNow();
        if (syncer != null) {
            synchronized (syncLock) {
                stopping = true;
                syncLock.notifyAll();
            }
            try {
                syncer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            Set<String> live = null;
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                db.flush(flush, handles);
                db.syncWal();
                // no compaction may change the files between this list and the close
                db.pauseBackgroundWork();
                live = new java.util.TreeSet<>();
                for (org.rocksdb.LiveFileMetaData f : db.getLiveFilesMetaData()) {
                    String name = f.fileName();
                    live.add(name.startsWith("/") ? name.substring(1) : name);
                }
            } catch (RocksDBException e) {
                log.warn("store {}: flush at close failed (the log still has everything): {}", directory.path(),
                        e.getMessage());
            }
            closeNative();
            if (live != null) {
                directory.writeCleanRecord(live);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
        directory.restrictFiles();
        log.info("store {} closed", directory.path());
    }

    private void closeNative() {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        closeOptions();
    }

    private void closeOptions() {
        writeOptions.close();
        dbOptions.close();
        familyOptions.close();
        blockCache.close();
    }

    // ---------------------------------------------------------------- SessionStore

    @Override
    public void saveSession(SessionState state) {
        byte[] key = Records.sessionKey(state.clientId());
        byte[] value = Records.encodeSession(state);
        writeBatch("save session", b -> b.put(sessionsCf, key, value));
    }

    @Override
    public void deleteSession(String clientId) {
        byte[] prefix = Records.clientPrefix(clientId);
        refWrite("delete session", (batch, undo) -> {
            batch.delete(sessionsCf, prefix);
            for (ColumnFamilyHandle family : List.of(subscriptionsCf, flightCf, inboundCf)) {
                for (byte[][] kv : collect(family, prefix)) {
                    batch.delete(family, kv[0]);
                }
            }
            Map<Long, Integer> released = new HashMap<>();
            for (byte[][] kv : collect(queuesCf, prefix)) {
                batch.delete(queuesCf, kv[0]);
                released.merge(Records.decodeEntry(kv[1], "queue entry of '" + clientId + "'").messageId(), 1,
                        Integer::sum);
            }
            for (Map.Entry<Long, Integer> e : released.entrySet()) {
                if (dropRefs(e.getKey(), e.getValue(), undo)) {
                    batch.delete(messagesCf, Records.messageKey(e.getKey()));
                }
            }
        });
    }

    @Override
    public List<SessionState> loadSessions() {
        Lock lock = open();
        try {
            List<SessionState> out = new ArrayList<>();
            scan(sessionsCf, null, (k, v) -> out.add(Records.decodeSession(Records.clientIdOf(k, "session key"), v)));
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void saveSubscription(String clientId, Subscription subscription, int subscriptionIdentifier) {
        byte[] key = Records.subscriptionKey(clientId, subscription.topicFilter());
        byte[] value = Records.encodeSubscription(subscription, subscriptionIdentifier);
        writeBatch("save subscription", b -> b.put(subscriptionsCf, key, value));
    }

    @Override
    public void deleteSubscription(String clientId, String topicFilter) {
        byte[] key = Records.subscriptionKey(clientId, topicFilter);
        writeBatch("delete subscription", b -> b.delete(subscriptionsCf, key));
    }

    @Override
    public List<StoredSubscription> loadSubscriptions(String clientId) {
        Lock lock = open();
        try {
            List<StoredSubscription> out = new ArrayList<>();
            scan(subscriptionsCf, Records.clientPrefix(clientId),
                    (k, v) -> out.add(Records.decodeSubscription(Records.filterOf(k), v)));
            return out;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- MessageQueueStore

    @Override
    public void append(String clientId, QueuedMessage message) {
        byte[] key = Records.sequenceKey(clientId, message.sequence());
        byte[] entry = Records.encodeEntry(message);
        long id = message.messageId();
        // encoded outside the lock when it will most likely be needed: the first append of a message
        byte[] payload = refs.containsKey(id) ? null : Records.encodeMessage(message.message());
        refWrite("append", (batch, undo) -> {
            if (addRef(id, message.message(), undo)) {
                batch.put(messagesCf, Records.messageKey(id),
                        payload != null ? payload : Records.encodeMessage(message.message()));
            }
            batch.put(queuesCf, key, entry);
            if (message.packetId() != 0 || message.phase() != QueuedMessage.Phase.QUEUED) {
                batch.put(flightCf, key, Records.encodeFlight(message.packetId(), message.phase()));
            }
        });
        maxMessageId.accumulateAndGet(id, Math::max);
    }

    @Override
    public void updateFlight(String clientId, long sequence, int packetId, QueuedMessage.Phase phase) {
        byte[] key = Records.sequenceKey(clientId, sequence);
        byte[] value = Records.encodeFlight(packetId, phase);
        writeBatch("update flight", b -> b.put(flightCf, key, value));
    }

    @Override
    public void remove(String clientId, long sequence) {
        byte[] key = Records.sequenceKey(clientId, sequence);
        refWrite("remove", (batch, undo) -> {
            byte[] value = get(queuesCf, key);
            batch.delete(flightCf, key);
            if (value == null) {
                return;
            }
            long id = Records.decodeEntry(value, "queue entry of '" + clientId + "'").messageId();
            batch.delete(queuesCf, key);
            if (dropRefs(id, 1, undo)) {
                batch.delete(messagesCf, Records.messageKey(id));
            }
        });
    }

    @Override
    public List<QueuedMessage> load(String clientId) {
        byte[] prefix = Records.clientPrefix(clientId);
        Lock lock = open();
        try {
            Map<Long, Records.Flight> flights = new HashMap<>();
            scan(flightCf, prefix, (k, v) -> flights.put(Records.sequenceOf(k, "flight key"),
                    Records.decodeFlight(v, "flight record of '" + clientId + "'")));
            List<QueuedMessage> out = new ArrayList<>();
            synchronized (refLock) {
                List<Long> sequences = new ArrayList<>();
                List<Records.Entry> entries = new ArrayList<>();
                scan(queuesCf, prefix, (k, v) -> {
                    sequences.add(Records.sequenceOf(k, "queue key"));
                    entries.add(Records.decodeEntry(v, "queue entry of '" + clientId + "'"));
                });
                Map<Long, ApplicationMessage> messages = messages(entries, clientId);
                for (int i = 0; i < entries.size(); i++) {
                    Records.Entry e = entries.get(i);
                    Records.Flight flight = flights.get(sequences.get(i));
                    out.add(new QueuedMessage(sequences.get(i), e.messageId(), messages.get(e.messageId()), e.qos(),
                            e.retain(), e.subscriptionIds(), flight == null ? 0 : flight.packetId(),
                            flight == null ? QueuedMessage.Phase.QUEUED : flight.phase()));
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The messages of some entries, each decoded once and shared (by every session that loads it) while anyone holds
     * it; those not in memory are read in batches of one multi-get. Call under {@link #refLock}.
     */
    private Map<Long, ApplicationMessage> messages(List<Records.Entry> entries, String clientId) {
        Map<Long, ApplicationMessage> out = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (Records.Entry e : entries) {
            long id = e.messageId();
            if (out.containsKey(id)) {
                continue;
            }
            Ref ref = refs.get(id);
            ApplicationMessage m = ref == null || ref.loaded == null ? null : ref.loaded.get();
            out.put(id, m);
            if (m == null) {
                missing.add(id);
            }
        }
        int batch = 256;
        for (int from = 0; from < missing.size(); from += batch) {
            List<Long> ids = missing.subList(from, Math.min(missing.size(), from + batch));
            List<byte[]> keys = new ArrayList<>(ids.size());
            List<ColumnFamilyHandle> families = new ArrayList<>(ids.size());
            for (long id : ids) {
                keys.add(Records.messageKey(id));
                families.add(messagesCf);
            }
            List<byte[]> values;
            try {
                values = db.multiGetAsList(families, keys);
            } catch (RocksDBException e) {
                throw translate("cannot read store " + directory.path(), e);
            }
            for (int i = 0; i < ids.size(); i++) {
                long id = ids.get(i);
                Ref ref = refs.get(id);
                if (values.get(i) == null || ref == null) {
                    throw new StoreCorruptedException("store " + directory.path() + ": message " + id + " queued for '"
                            + clientId + "' has no payload: the store is damaged. " + RECOVERY_HINT);
                }
                ApplicationMessage m = Records.decodeMessage(values.get(i), "message " + id);
                ref.loaded = new WeakReference<>(m);
                out.put(id, m);
            }
        }
        return out;
    }

    @Override
    public void addAwaitingRelease(String clientId, int packetId) {
        byte[] key = Records.inboundKey(clientId, packetId);
        writeBatch("add awaiting release", b -> b.put(inboundCf, key, Records.encodeInbound()));
    }

    @Override
    public void removeAwaitingRelease(String clientId, int packetId) {
        byte[] key = Records.inboundKey(clientId, packetId);
        writeBatch("remove awaiting release", b -> b.delete(inboundCf, key));
    }

    @Override
    public List<Integer> loadAwaitingRelease(String clientId) {
        Lock lock = open();
        try {
            List<Integer> out = new ArrayList<>();
            scan(inboundCf, Records.clientPrefix(clientId), (k, v) -> out.add(Records.packetIdOf(k)));
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long maxMessageId() {
        return maxMessageId.get();
    }

    // ---------------------------------------------------------------- RetainedStore

    @Override
    public void put(ApplicationMessage message) {
        byte[] key = Records.topicKey(message.topic());
        byte[] value = Records.encodeMessage(message);
        writeBatch("put retained", b -> b.put(retainedCf, key, value));
    }

    @Override
    public void remove(String topic) {
        byte[] key = Records.topicKey(topic);
        writeBatch("remove retained", b -> b.delete(retainedCf, key));
    }

    @Override
    public List<ApplicationMessage> loadAll() {
        Lock lock = open();
        try {
            List<ApplicationMessage> out = new ArrayList<>();
            scan(retainedCf, null, (k, v) -> out.add(Records.decodeMessage(v, "retained message")));
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** How many payloads are on disk: for the tests of their sharing and release. */
    int storedPayloads() {
        Lock lock = open();
        try {
            int[] n = new int[1];
            scan(messagesCf, null, (k, v) -> n[0]++);
            return n[0];
        } finally {
            lock.unlock();
        }
    }
}
