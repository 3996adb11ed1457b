package org.virtstoraged.storage.driver;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.PoolInfo;
import org.virtstoraged.storage.PoolRef;
import org.virtstoraged.storage.StorageDriver;
import org.virtstoraged.storage.VolInfo;
import org.virtstoraged.storage.VolRef;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.VolumeStreamFile;
import org.virtstoraged.storage.backend.dir.DirPoolBackend;
import org.virtstoraged.storage.command.ProcessCommandRunner;
import org.virtstoraged.storage.event.PoolEventBus;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.pool.PoolObject;
import org.virtstoraged.storage.pool.VolumeEntry;

/**
 * Many clients at once on one in-process driver: 8 worker threads run random pool and volume calls
 * over 4 dir pools for {@code stress.seconds} (default 60), on the real dir backend. Every failure
 * must be one of libvirt's refusals for a pool or volume that another client changed meanwhile;
 * every ~2 s all workers stop at a quiescent point where the pools, their directories, the config and
 * state files and the driver's volume lists are checked against a model of what each worker did.
 * A watchdog fails the run (with a thread dump) when any single call takes more than 30 s.
 *
 * <p>Nothing here asserts on timing but the watchdog: the run is as long as asked whatever the machine.
 * {@code -Dstress.seconds=N} shortens it (from 20 s on, every kind of operation must have succeeded at
 * least once), {@code -Dstress.workers=N} changes the number of workers, {@code -Dstress.seed=N} replays
 * the workers' choices of operations (the interleaving itself is up to the scheduler).
 */
class DriverConcurrencyStressTest {
    private static final int WORKERS = Integer.getInteger("stress.workers", 8);
    private static final List<String> POOLS = List.of("p0", "p1", "p2", "p3");
    /** The pool whose backend calls are slow: it stands for a pool on a slow network server (NFS, iSCSI...). */
    private static final String SLOW_POOL = "p3";
    /** Backend calls that are slow on the slow pool: the ones a network round trip or a data copy would slow. */
    private static final Set<String> SLOW_CALLS = Set.of("refreshPool", "buildVol", "buildVolFrom", "wipeVol",
            "uploadVol", "downloadVol");
    /**
     * Calls that fail now and then, in every pool (1 in {@link #FAULT_ONE_IN}, workers' calls only), as an
     * I/O error or a server dropping the request would make them: the driver's failure paths (a build that
     * fails with the pool unlocked, a refresh that stops the pool) run concurrently with everything else.
     */
    private static final Set<String> FAULTY_CALLS = Set.of("refreshPool", "buildVol", "buildVolFrom", "wipeVol",
            "uploadVol");
    private static final int FAULT_ONE_IN = 40;
    /** A worker keeps at most this many of its own volumes in a pool: beyond it, it deletes instead. */
    private static final int MAX_OWN_PER_POOL = 6;
    private static final long CHECK_INTERVAL_MS = 2000;
    private static final long OP_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("stress.opLimitSeconds", 30));

    enum Op {
        POOL_DEFINE(2), POOL_START(5), POOL_CREATE(1), POOL_BUILD(1), POOL_REFRESH(3), POOL_DESTROY(2),
        POOL_UNDEFINE(1), POOL_LOOKUP(2), POOL_LIST(2), POOL_INFO(2),
        VOL_CREATE(14), VOL_CREATE_DUP(2), VOL_CLONE(8), VOL_CLONE_DUP(1), VOL_WIPE(5), VOL_DELETE(10),
        VOL_UPLOAD(6), VOL_DOWNLOAD(2), VOL_RESIZE(2), VOL_LOOKUP_NAME(3), VOL_LOOKUP_KEY(3), VOL_LOOKUP_PATH(3),
        VOL_LIST(4), VOL_INFO(3);

        final int weight;

        Op(int weight) {
            this.weight = weight;
        }
    }

    /** The calls that run a job on their pool (and on the source pool of a clone). */
    private static final Set<Op> JOBS = java.util.EnumSet.of(Op.VOL_CREATE, Op.VOL_CLONE, Op.VOL_WIPE, Op.VOL_UPLOAD,
            Op.VOL_DOWNLOAD);
    private static final List<Op> POOL_LIFECYCLE = List.of(Op.POOL_DEFINE, Op.POOL_START, Op.POOL_START,
            Op.POOL_CREATE, Op.POOL_BUILD, Op.POOL_REFRESH, Op.POOL_DESTROY, Op.POOL_DESTROY, Op.POOL_UNDEFINE);

    // ---- the refusals libvirt gives when another client changed a pool or volume meanwhile --------------

    private record Refusal(ErrorCode code, Pattern detail) {
        static Refusal of(ErrorCode code, String regex) {
            return new Refusal(code, Pattern.compile(regex));
        }

        boolean matches(VirException e) {
            return e.code() == code && e.detail() != null && detail.matcher(e.detail()).matches();
        }
    }

    private static final Refusal NO_POOL = Refusal.of(ErrorCode.NO_STORAGE_POOL,
            "no storage pool with matching (uuid|name|target path) '[^']*'( \\(.*\\))?");
    private static final Refusal NOT_ACTIVE = Refusal.of(ErrorCode.OPERATION_INVALID,
            "storage pool 'p\\d' is not active");
    private static final Refusal ALREADY_ACTIVE = Refusal.of(ErrorCode.OPERATION_INVALID,
            "storage pool 'p\\d' is already active");
    private static final Refusal ACTIVE_AS = Refusal.of(ErrorCode.OPERATION_INVALID,
            "pool is already active as 'p\\d'");
    private static final Refusal STARTING = Refusal.of(ErrorCode.OPERATION_INVALID,
            "(storage )?pool 'p\\d' is starting up");
    private static final Refusal STILL_ACTIVE = Refusal.of(ErrorCode.OPERATION_INVALID,
            "storage pool 'p\\d' is still active");
    private static final Refusal ASYNC_JOBS = Refusal.of(ErrorCode.INTERNAL_ERROR,
            "pool 'p\\d' has asynchronous jobs running\\.");
    private static final Refusal NO_VOL = Refusal.of(ErrorCode.NO_STORAGE_VOL,
            "no storage vol with matching (name|key|path) '?[^']*'?");
    private static final Refusal VOL_IN_USE = Refusal.of(ErrorCode.OPERATION_INVALID,
            "volume '[^']*' is still in use\\.");
    private static final Refusal VOL_BUILDING = Refusal.of(ErrorCode.OPERATION_INVALID,
            "volume '[^']*' is still being allocated\\.");
    private static final Refusal VOL_EXISTS = Refusal.of(ErrorCode.STORAGE_VOL_EXIST, "'w\\d+-v\\d+'");
    private static final Refusal CLONE_NAME_USED = Refusal.of(ErrorCode.INTERNAL_ERROR,
            "storage volume name 'w\\d+-v\\d+' already in use\\.");
    /** What the proxy throws for a dropped call. */
    private static final Refusal INJECTED = Refusal.of(ErrorCode.OPERATION_FAILED,
            "injected: (refreshPool|buildVol|buildVolFrom|wipeVol|uploadVol) of 'p\\d' failed");

    private static final Map<Op, List<Refusal>> EXPECTED = new EnumMap<>(Op.class);

    static {
        List<Refusal> volumeBusy = List.of(NO_POOL, NOT_ACTIVE, NO_VOL, VOL_IN_USE, VOL_BUILDING);
        List<Refusal> volumeJob = List.of(NO_POOL, NOT_ACTIVE, NO_VOL, VOL_IN_USE, VOL_BUILDING, INJECTED);
        EXPECTED.put(Op.POOL_DEFINE, List.of());
        EXPECTED.put(Op.POOL_START, List.of(NO_POOL, ALREADY_ACTIVE, STARTING, INJECTED));
        EXPECTED.put(Op.POOL_CREATE, List.of(ACTIVE_AS, STARTING, INJECTED));
        EXPECTED.put(Op.POOL_BUILD, List.of(NO_POOL, ALREADY_ACTIVE, STARTING));
        EXPECTED.put(Op.POOL_REFRESH, List.of(NO_POOL, NOT_ACTIVE, STARTING, ASYNC_JOBS, INJECTED));
        EXPECTED.put(Op.POOL_DESTROY, List.of(NO_POOL, NOT_ACTIVE, STARTING, ASYNC_JOBS));
        EXPECTED.put(Op.POOL_UNDEFINE, List.of(NO_POOL, STILL_ACTIVE, STARTING, ASYNC_JOBS));
        EXPECTED.put(Op.POOL_LOOKUP, List.of(NO_POOL));
        EXPECTED.put(Op.POOL_LIST, List.of());
        EXPECTED.put(Op.POOL_INFO, List.of(NO_POOL));
        EXPECTED.put(Op.VOL_CREATE, List.of(NO_POOL, NOT_ACTIVE, INJECTED));
        // a duplicate name is refused (counted as success below) or the pool is gone
        EXPECTED.put(Op.VOL_CREATE_DUP, List.of(NO_POOL, NOT_ACTIVE));
        EXPECTED.put(Op.VOL_CLONE, volumeJob);
        EXPECTED.put(Op.VOL_CLONE_DUP, volumeBusy);
        EXPECTED.put(Op.VOL_WIPE, volumeJob);
        EXPECTED.put(Op.VOL_DELETE, volumeBusy);
        EXPECTED.put(Op.VOL_UPLOAD, volumeJob);
        EXPECTED.put(Op.VOL_DOWNLOAD, List.of(NO_POOL, NOT_ACTIVE, NO_VOL, VOL_BUILDING));
        EXPECTED.put(Op.VOL_RESIZE, volumeBusy);
        EXPECTED.put(Op.VOL_LOOKUP_NAME, List.of(NO_POOL, NOT_ACTIVE, NO_VOL));
        EXPECTED.put(Op.VOL_LOOKUP_KEY, List.of(NO_VOL));
        EXPECTED.put(Op.VOL_LOOKUP_PATH, List.of(NO_VOL));
        EXPECTED.put(Op.VOL_LIST, List.of(NO_POOL, NOT_ACTIVE));
        EXPECTED.put(Op.VOL_INFO, List.of(NO_POOL, NOT_ACTIVE, NO_VOL));
    }

    // ---- the run ---------------------------------------------------------------------------------------

    @TempDir
    Path root;

    private Path configDir;
    private Path autostartDir;
    private Path stateDir;
    private Path poolsDir;
    private StorageDriver driver;
    /** The driver's shared state, read at quiescent points through the test's package access. */
    private DriverState driverState;
    private PoolEventBus.Subscription eventSubscription;
    private final LongAdder events = new LongAdder();

    /** Workers hold the read side per operation; the checker takes the write side: a quiescent point. */
    private final ReentrantReadWriteLock quiesce = new ReentrantReadWriteLock(true);
    private final AtomicBoolean stop = new AtomicBoolean();
    /**
     * Every other period between two checks no new volume job touches the slow pool: with its jobs running
     * all the time it could never be stopped (destroy and refresh are refused while a job runs, as in
     * libvirt), and its start, refresh and destroy are to race with the other pools' calls too.
     */
    private volatile boolean slowPoolQuiet;
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<Op, LongAdder[]> counts = new EnumMap<>(Op.class);
    private final Map<String, LongAdder> reasons = new ConcurrentHashMap<>();
    /** Successful pool lifecycle calls by operation and pool, to show that the slow pool changed state too. */
    private final Map<String, LongAdder> poolChanges = new ConcurrentHashMap<>();
    private final LongAdder slowCalls = new LongAdder();
    private final LongAdder faults = new LongAdder();
    private final List<Slot> slots = new ArrayList<>();
    private volatile int checks;
    private java.util.logging.Logger quietLogger;
    private java.util.logging.Level previousLevel;

    /** What one thread is doing now, for the watchdog. */
    private static final class Slot {
        final String thread;
        volatile long since;
        volatile String doing;

        Slot(String thread) {
            this.thread = thread;
        }

        void begin(String what) {
            doing = what;
            since = System.nanoTime();
        }

        void end() {
            since = 0;
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        // the driver logs every define, start and create at INFO: thousands of lines here
        quietLogger = java.util.logging.Logger.getLogger("org.virtstoraged");
        previousLevel = quietLogger.getLevel();
        quietLogger.setLevel(java.util.logging.Level.WARNING);
        configDir = root.resolve("etc/storage");
        autostartDir = root.resolve("etc/storage/autostart");
        stateDir = root.resolve("run/storage");
        poolsDir = root.resolve("pools");
        for (String p : POOLS) {
            Files.createDirectories(target(p));
        }
        for (Op op : Op.values()) {
            counts.put(op, new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
        }
        StorageBackend dir = slowFor(SLOW_POOL, new DirPoolBackend(new ProcessCommandRunner()));
        driver = StorageDriver.open(configDir, autostartDir, stateDir, List.of(dir));
        driverState = stateOf(driver);
        eventSubscription = driver.events().subscribe(e -> events.increment());
        for (String p : POOLS) {
            driver.pools().define(poolXml(p), 0);
            driver.pools().start(ref(p), 0);
        }
    }

    @AfterEach
    void tearDown() {
        if (eventSubscription != null) {
            eventSubscription.close();
        }
        quietLogger.setLevel(previousLevel);
    }

    /**
     * The dir backend behind a proxy that makes some of its calls for one pool sleep 50-300 ms, as a
     * pool on a slow network server would: those calls hold (or, for the volume jobs, release) that pool's
     * lock for long, and must not hold up the other pools. Some calls of every pool fail now and then.
     */
    private StorageBackend slowFor(String poolName, StorageBackend real) {
        InvocationHandler handler = (proxy, method, args) -> {
            String name = method.getName();
            if (args != null && args.length > 0 && args[0] instanceof PoolDefinition def) {
                if (SLOW_CALLS.contains(name) && def.name().equals(poolName)) {
                    slowCalls.increment();
                    Thread.sleep(50 + ThreadLocalRandom.current().nextInt(251));
                }
                if (FAULTY_CALLS.contains(name) && Thread.currentThread().getName().startsWith("stress-w")
                        && ThreadLocalRandom.current().nextInt(FAULT_ONE_IN) == 0 && !afterUpload()) {
                    faults.increment();
                    throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                            "injected: %s of '%s' failed", name, def.name());
                }
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (StorageBackend) Proxy.newProxyInstance(StorageBackend.class.getClassLoader(),
                new Class<?>[] {StorageBackend.class}, handler);
    }

    /**
     * The refresh after an upload stream closes fails as libvirt's does: the pool stays active with no
     * volumes until the next refresh, which the model of the volumes cannot follow. That refresh is never
     * made to fail.
     */
    private static boolean afterUpload() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                f -> f.getMethodName().equals("refreshAfterUpload")));
    }

    /** The driver's state, for the async-job counters and lock states no API shows (test-only, by reflection). */
    private static DriverState stateOf(StorageDriver driver) {
        try {
            return DriverStates.of(driver);
        } catch (RuntimeException e) {
            System.out.println("stress: cannot reach the driver's state (" + e + "): async-job counters are "
                    + "checked through refresh and destroy only");
            return null;
        }
    }

    @Test
    void randomOperationsFromManyThreadsKeepTheDriverConsistent() throws Exception {
        long seconds = Long.getLong("stress.seconds", 60);
        long seed = Long.getLong("stress.seed", System.nanoTime());
        System.out.printf("stress: %d workers, %d s, seed %d (-Dstress.seed=%d to replay the choices)%n", WORKERS,
                seconds, seed, seed);
        long startNanos = System.nanoTime();
        long endNanos = startNanos + TimeUnit.SECONDS.toNanos(seconds);
        long hardDeadline = endNanos + TimeUnit.SECONDS.toNanos(60);

        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            Slot slot = new Slot("stress-w" + i);
            slots.add(slot);
            Worker w = new Worker(i, new Random(seed + i), slot);
            workers.add(w);
            Thread t = new Thread(w, slot.thread);
            t.setDaemon(true);
            threads.add(t);
        }
        Slot checkerSlot = new Slot("stress-checker");
        slots.add(checkerSlot);
        // the checker has a thread of its own: if one of its calls hangs, this thread still ends the test
        Thread checker = new Thread(() -> checkUntil(workers, threads, checkerSlot, endNanos, hardDeadline),
                checkerSlot.thread);
        checker.setDaemon(true);
        Thread watchdog = new Thread(this::watch, "stress-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        threads.forEach(Thread::start);
        checker.start();
        try {
            while (!stop.get() && System.nanoTime() < endNanos) {
                Thread.sleep(100);
            }
            stop.set(true);
            // after a recorded failure (a hang, most likely) there is no point in waiting long
            long deadline = hardDeadline;
            List<Thread> all = new ArrayList<>(threads);
            all.add(checker);
            for (Thread t : all) {
                while (t.isAlive() && System.nanoTime() < deadline) {
                    t.join(100);
                    if (!failures.isEmpty()) {
                        deadline = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
                    }
                }
            }
            if (all.stream().anyMatch(Thread::isAlive) && failures.isEmpty()) {
                failures.add("workers and checker did not all finish within " + seconds + " s + 60 s\n"
                        + threadDump());
            }
        } finally {
            stop.set(true);
            watchdog.interrupt();
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        printSummary(workers, elapsed);
        if (!failures.isEmpty()) {
            List<String> shown;
            synchronized (failures) {
                shown = List.copyOf(failures.subList(0, Math.min(5, failures.size())));
            }
            // the first is the test's failure message; the next few are printed here
            shown.stream().skip(1).forEach(f -> System.out.println("stress: further failure: " + f));
            fail(failures.size() + " failure(s); the first:\n" + shown.get(0));
        }
        assertTrue(checks >= 1, "no quiescent check ran");
        List<Op> neverOk = new ArrayList<>();
        for (Op op : Op.values()) {
            if (counts.get(op)[1].sum() == 0) {
                neverOk.add(op);
            }
        }
        // a run of a few seconds may not get to every operation: the minimum holds from 20 s on
        if (seconds >= 20) {
            assertTrue(neverOk.isEmpty(), "these operations never succeeded (the run did not exercise them): "
                    + neverOk);
        } else if (!neverOk.isEmpty()) {
            System.out.println("stress: a short run; these operations never succeeded: " + neverOk);
        }
    }

    // ---- the watchdog ----------------------------------------------------------------------------------

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Slot s : slots) {
                long since = s.since;
                if (since != 0 && now - since > OP_LIMIT_NANOS) {
                    String message = String.format("%s has been in \"%s\" for %d s (limit %d s)%n%s", s.thread,
                            s.doing, TimeUnit.NANOSECONDS.toSeconds(now - since),
                            TimeUnit.NANOSECONDS.toSeconds(OP_LIMIT_NANOS), threadDump());
                    System.out.println("stress WATCHDOG: " + message);
                    failures.add(message);
                    stop.set(true);
                    return;
                }
            }
        }
    }

    /** All threads with their stacks (Thread.getAllStackTraces), the locks they wait for and hold, the pools' locks. */
    private String threadDump() {
        StringBuilder out = new StringBuilder("==== thread dump ====\n");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, ThreadInfo> infos = new HashMap<>();
        for (ThreadInfo info : mx.dumpAllThreads(true, true)) {
            infos.put(info.getThreadId(), info);
        }
        long[] deadlocked = mx.findDeadlockedThreads();
        if (deadlocked != null) {
            out.append("DEADLOCKED threads (JVM detector): ");
            for (long id : deadlocked) {
                ThreadInfo info = infos.get(id);
                out.append(info == null ? String.valueOf(id) : info.getThreadName()).append(' ');
            }
            out.append('\n');
        }
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            ThreadInfo info = infos.get(t.getId());
            out.append('"').append(t.getName()).append("\" ").append(t.getState());
            if (info != null && info.getLockName() != null) {
                out.append(" on ").append(info.getLockName());
                if (info.getLockOwnerName() != null) {
                    out.append(" owned by \"").append(info.getLockOwnerName()).append('"');
                }
            }
            out.append('\n');
            for (StackTraceElement el : e.getValue()) {
                out.append("    at ").append(el).append('\n');
            }
            if (info != null) {
                for (MonitorInfo m : info.getLockedMonitors()) {
                    out.append("    - holds monitor ").append(m).append('\n');
                }
                for (LockInfo l : info.getLockedSynchronizers()) {
                    out.append("    - holds ").append(l).append('\n');
                }
            }
        }
        out.append(poolLocks());
        return out.append("==== end of thread dump ====\n").toString();
    }

    /** Which thread holds each pool's lock and the list's lock (read by reflection, without taking them). */
    private String poolLocks() {
        if (driverState == null) {
            return "";
        }
        StringBuilder out = new StringBuilder("pool locks:\n");
        try {
            Field listLock = driverState.pools.getClass().getDeclaredField("lock");
            listLock.setAccessible(true);
            out.append("  pool list: ").append(listLock.get(driverState.pools)).append('\n');
            Field byName = driverState.pools.getClass().getDeclaredField("byName");
            byName.setAccessible(true);
            Collection<?> pools = List.copyOf(((Map<?, ?>) byName.get(driverState.pools)).values());
            Field lock = PoolObject.class.getDeclaredField("lock");
            lock.setAccessible(true);
            for (Object o : pools) {
                PoolObject p = (PoolObject) o;
                java.util.concurrent.locks.ReentrantLock l = (java.util.concurrent.locks.ReentrantLock) lock.get(p);
                out.append(String.format("  %s@%x: %s, queue %d, active=%s starting=%s removed=%s asyncJobs=%d%n",
                        p.name(), System.identityHashCode(l), l, l.getQueueLength(), p.isActive(), p.isStarting(),
                        p.isRemoved(), p.asyncJobs()));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            out.append("  (cannot read: ").append(e).append(")\n");
        }
        return out.toString();
    }

    // ---- the quiescent check ---------------------------------------------------------------------------

    /** The checker thread: a quiescent check every ~2 s until the end, and a last one once the workers stopped. */
    private void checkUntil(List<Worker> workers, List<Thread> threads, Slot slot, long endNanos, long hardDeadline) {
        try {
            long nextCheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MS);
            while (!stop.get() && System.nanoTime() < endNanos) {
                long now = System.nanoTime();
                if (now < nextCheck) {
                    Thread.sleep(Math.min(100, TimeUnit.NANOSECONDS.toMillis(nextCheck - now) + 1));
                    continue;
                }
                if (!quiesceAndCheck(workers, slot, hardDeadline)) {
                    return;
                }
                nextCheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHECK_INTERVAL_MS);
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(hardDeadline - System.nanoTime())));
                if (t.isAlive() || !failures.isEmpty()) {
                    return;
                }
            }
            // the end is a quiescent point too: every worker has stopped
            quiesceAndCheck(workers, slot, hardDeadline);
        } catch (Throwable t) {
            failures.add("the checker failed: " + stackTrace(t));
            stop.set(true);
        }
    }

    /** Stops every worker between two operations and checks the invariants; false when it gave up. */
    private boolean quiesceAndCheck(List<Worker> workers, Slot slot, long deadline) throws InterruptedException {
        while (!quiesce.writeLock().tryLock(100, TimeUnit.MILLISECONDS)) {
            if (!failures.isEmpty() || System.nanoTime() > deadline) {
                return false;
            }
        }
        try {
            checks++;
            slot.begin("quiescent check #" + checks);
            try {
                check(workers);
                slowPoolQuiet = !slowPoolQuiet;
            } catch (Throwable t) {
                failures.add("quiescent check #" + checks + " (" + slot.doing + "): " + stackTrace(t));
                stop.set(true);
                return false;
            } finally {
                slot.end();
            }
            return true;
        } finally {
            quiesce.writeLock().unlock();
        }
    }

    private void check(List<Worker> workers) throws IOException {
        PoolDriver pools = driver.pools();
        VolumeDriver volumes = driver.volumes();
        Map<String, Set<String>> modelled = new TreeMap<>();
        for (String p : POOLS) {
            Set<String> all = new TreeSet<>();
            for (Worker w : workers) {
                all.addAll(w.own(p));
            }
            modelled.put(p, all);
        }
        // 1. the files of each pool's directory are the volumes the workers were told exist
        for (String p : POOLS) {
            Set<String> onDisk = list(target(p));
            if (!onDisk.equals(modelled.get(p))) {
                throw new AssertionError(diff("files in " + target(p), onDisk, "modelled volumes of " + p,
                        modelled.get(p)));
            }
        }
        // 2. no lock is left held, no job counted, nothing starting, no volume left building or in use
        if (driverState != null) {
            for (PoolObject pool : driverState.pools.all()) {
                if (!pool.tryLock()) {
                    throw new AssertionError("pool '" + pool.name() + "' is locked at a quiescent point\n"
                            + threadDump());
                }
                try {
                    assertState(pool.asyncJobs() == 0, "pool '%s' counts %d async jobs at a quiescent point",
                            pool.name(), pool.asyncJobs());
                    assertState(!pool.isStarting(), "pool '%s' is still marked starting", pool.name());
                    for (VolumeEntry v : pool.volumes()) {
                        assertState(!v.isBuilding() && !v.isInUse(), "volume '%s' of '%s' is left building=%s inUse=%s",
                                v.name(), pool.name(), v.isBuilding(), v.isInUse());
                    }
                    assertState(pool.isActive() || pool.volumes().isEmpty(), "inactive pool '%s' lists volumes %s",
                            pool.name(), pool.volumes().stream().map(VolumeEntry::name).toList());
                } finally {
                    pool.unlock();
                }
            }
        }
        // 3. the pool list, the config files of the persistent pools and the state files of the active ones
        List<PoolRef> listed = pools.listAllPools(0);
        Set<String> names = new TreeSet<>();
        Set<String> expectedConfigs = new TreeSet<>();
        Set<String> expectedStates = new TreeSet<>(Set.of("autostarted"));
        Set<String> active = new TreeSet<>();
        for (PoolRef r : listed) {
            assertState(names.add(r.name()), "pool %s listed twice: %s", r.name(), listed);
            assertState(POOLS.contains(r.name()) && r.equals(ref(r.name())), "unknown pool %s", r);
            if (pools.isPersistent(r)) {
                expectedConfigs.add(r.name() + ".xml");
            }
            if (pools.isActive(r)) {
                expectedStates.add(r.name() + ".xml");
                active.add(r.name());
            }
        }
        Set<String> configs = list(configDir);
        configs.remove("autostart");
        assertState(configs.equals(expectedConfigs), "%s", diff("files in " + configDir, configs,
                "persistent pools", expectedConfigs));
        Set<String> states = list(stateDir);
        assertState(states.equals(expectedStates), "%s", diff("files in " + stateDir, states,
                "active pools (and the autostart marker)", expectedStates));
        assertState(list(autostartDir).isEmpty(), "autostart links appeared: %s", list(autostartDir));
        // 4. an active pool lists exactly the modelled volumes, found by key and path too; refresh (and,
        //    every third check, destroy and start) are not refused for jobs that should have ended
        for (String p : POOLS) {
            if (!names.contains(p)) {
                continue;
            }
            PoolInfo info = pools.info(ref(p));
            assertState(info.state() == (active.contains(p) ? PoolInfo.RUNNING : PoolInfo.INACTIVE),
                    "pool %s info state %d", p, info.state());
            assertState(pools.xmlDesc(ref(p), 0).contains("<name>" + p + "</name>"), "xmlDesc of %s", p);
            if (!active.contains(p)) {
                try {
                    volumes.listAllVolumes(ref(p), 0);
                    throw new AssertionError("inactive pool " + p + " listed its volumes");
                } catch (VirException e) {
                    assertState(NOT_ACTIVE.matches(e), "listing inactive %s: %s", p, e.getMessage());
                }
                continue;
            }
            checkVolumes(p, modelled.get(p), "at the quiescent point");
            pools.refresh(ref(p), 0);
            checkVolumes(p, modelled.get(p), "after a refresh at the quiescent point");
            if (checks % 3 == 0) {
                boolean persistent = pools.isPersistent(ref(p));
                pools.destroy(ref(p));
                if (persistent) {
                    pools.start(ref(p), 0);
                } else {
                    pools.create(poolXml(p), 0);
                }
                checkVolumes(p, modelled.get(p), "after destroy and start at the quiescent point");
            }
        }
    }

    private void checkVolumes(String p, Set<String> expected, String when) {
        VolumeDriver volumes = driver.volumes();
        List<VolRef> vols = volumes.listAllVolumes(ref(p), 0);
        Set<String> listed = new TreeSet<>();
        for (VolRef v : vols) {
            assertState(listed.add(v.name()), "%s lists %s twice %s", p, v.name(), when);
            assertState(v.pool().equals(p) && v.key().equals(volPath(p, v.name())), "%s lists %s %s", p, v, when);
        }
        assertState(listed.equals(expected), "%s", diff("listAllVolumes(" + p + ") " + when, listed,
                "modelled volumes", expected));
        for (String name : expected) {
            String path = volPath(p, name);
            VolRef byKey = volumes.lookupByKey(path);
            VolRef byPath = volumes.lookupByPath(path);
            VolRef want = new VolRef(p, name, path);
            assertState(byKey.equals(want) && byPath.equals(want), "lookup of %s %s: by key %s, by path %s", path,
                    when, byKey, byPath);
        }
    }

    // ---- a worker --------------------------------------------------------------------------------------

    private final class Worker implements Runnable {
        final int id;
        final String prefix;
        final Random rnd;
        final Slot slot;
        /** Pool name to the names of this worker's volumes that must exist on disk. */
        final Map<String, Set<String>> own = new ConcurrentHashMap<>();
        int counter;
        final int totalWeight = Stream.of(Op.values()).mapToInt(o -> o.weight).sum();

        Worker(int id, Random rnd, Slot slot) {
            this.id = id;
            this.prefix = "w" + id + "-v";
            this.rnd = rnd;
            this.slot = slot;
            for (String p : POOLS) {
                own.put(p, ConcurrentHashMap.newKeySet());
            }
        }

        Set<String> own(String pool) {
            return own.get(pool);
        }

        @Override
        public void run() {
            try {
                while (!stop.get()) {
                    quiesce.readLock().lock();
                    try {
                        if (stop.get()) {
                            return;
                        }
                        step();
                    } finally {
                        quiesce.readLock().unlock();
                    }
                }
            } catch (Throwable t) {
                failures.add("worker w" + id + " failed outside a driver call: " + stackTrace(t));
                stop.set(true);
            }
        }

        private Op pick() {
            int n = rnd.nextInt(totalWeight);
            for (Op op : Op.values()) {
                n -= op.weight;
                if (n < 0) {
                    return op;
                }
            }
            throw new IllegalStateException();
        }

        private String anyPool() {
            return POOLS.get(rnd.nextInt(POOLS.size()));
        }

        /** A pool a clone may read from: not the slow one in its quiet period. */
        private String anySourcePool() {
            String p = anyPool();
            return slowPoolQuiet && p.equals(SLOW_POOL) ? POOLS.get(0) : p;
        }

        /** A pool where this worker has a volume, or null. */
        private String poolWithOwn() {
            List<String> candidates = POOLS.stream().filter(p -> !own(p).isEmpty()).toList();
            return candidates.isEmpty() ? null : candidates.get(rnd.nextInt(candidates.size()));
        }

        /** A pool where this worker has a volume that a clone may read, or null. */
        private String sourcePoolWithOwn() {
            List<String> candidates = POOLS.stream().filter(p -> !own(p).isEmpty())
                    .filter(p -> !(slowPoolQuiet && p.equals(SLOW_POOL))).toList();
            return candidates.isEmpty() ? null : candidates.get(rnd.nextInt(candidates.size()));
        }

        private String anyOwn(String pool) {
            List<String> names = new ArrayList<>(own(pool));
            names.sort(null);
            return names.get(rnd.nextInt(names.size()));
        }

        private String newName() {
            return prefix + counter++;
        }

        /** Another worker's or this worker's volume, from the pool's listing (that call may be refused itself). */
        private VolRef anyListed(String pool) {
            List<VolRef> all = driver.volumes().listAllVolumes(ref(pool), 0);
            if (all.isEmpty()) {
                return null;
            }
            return all.get(rnd.nextInt(all.size()));
        }

        private void step() {
            Op op = pick();
            String p = anyPool();
            String withOwn = poolWithOwn();
            // operations on an own volume need one; full pools get a delete instead of a new volume
            if (withOwn == null && op.name().startsWith("VOL_") && op != Op.VOL_CREATE && op != Op.VOL_CLONE
                    && op != Op.VOL_LIST) {
                op = Op.VOL_CREATE;
            }
            if ((op == Op.VOL_CREATE || op == Op.VOL_CLONE) && own(p).size() >= MAX_OWN_PER_POOL) {
                op = Op.VOL_DELETE;
            }
            if (op == Op.VOL_CLONE && withOwn == null && rnd.nextInt(10) < 7) {
                op = Op.VOL_CREATE;
            }
            if (slowPoolQuiet && p.equals(SLOW_POOL) && JOBS.contains(op)) {
                // the slow pool's quiet period: its lifecycle instead
                op = POOL_LIFECYCLE.get(rnd.nextInt(POOL_LIFECYCLE.size()));
            }
            switch (op) {
                case VOL_CREATE_DUP, VOL_CLONE_DUP, VOL_WIPE, VOL_DELETE, VOL_UPLOAD, VOL_DOWNLOAD, VOL_RESIZE,
                        VOL_LOOKUP_NAME, VOL_LOOKUP_KEY, VOL_LOOKUP_PATH, VOL_INFO -> {
                    if (own(p).isEmpty()) {
                        p = withOwn;
                    }
                    if (slowPoolQuiet && p.equals(SLOW_POOL) && JOBS.contains(op)) {
                        op = Op.VOL_INFO;
                    }
                }
                default -> {
                }
            }
            run(op, p);
        }

        private void run(Op op, String p) {
            PoolDriver pools = driver.pools();
            VolumeDriver volumes = driver.volumes();
            String what = "w" + id + " " + op + " " + p;
            switch (op) {
                case POOL_DEFINE -> attempt(op, what, () -> expect(pools.define(poolXml(p), 0).equals(ref(p)),
                        "define returned another pool"));
                case POOL_START -> attempt(op, what, () -> pools.start(ref(p), 0));
                case POOL_CREATE -> attempt(op, what, () -> expect(pools.create(poolXml(p), 0).equals(ref(p)),
                        "create returned another pool"));
                case POOL_BUILD -> attempt(op, what, () -> pools.build(ref(p), 0));
                case POOL_REFRESH -> attempt(op, what, () -> pools.refresh(ref(p), 0));
                case POOL_DESTROY -> attempt(op, what, () -> pools.destroy(ref(p)));
                case POOL_UNDEFINE -> attempt(op, what, () -> pools.undefine(ref(p)));
                case POOL_LOOKUP -> {
                    int kind = rnd.nextInt(3);
                    attempt(op, what + " by " + List.of("name", "uuid", "target path").get(kind), () -> {
                        PoolRef found = switch (kind) {
                            case 0 -> pools.lookupByName(p);
                            case 1 -> pools.lookupByUuid(ref(p).uuid());
                            default -> pools.lookupByTargetPath(target(p).toString());
                        };
                        expect(found.equals(ref(p)), "found " + found);
                    });
                }
                case POOL_LIST -> attempt(op, "w" + id + " " + op, () -> {
                    List<PoolRef> all = pools.listAllPools(0);
                    expect(all.stream().map(PoolRef::name).distinct().count() == all.size(), "duplicates " + all);
                    expect(all.stream().allMatch(r -> r.equals(ref(r.name()))), "unknown pool in " + all);
                    expect(pools.listPools(true, 10).stream().allMatch(POOLS::contains), "listPools");
                    pools.numOfPools(false);
                });
                case POOL_INFO -> attempt(op, what, () -> {
                    PoolInfo info = pools.info(ref(p));
                    expect(info.state() == PoolInfo.RUNNING || info.state() == PoolInfo.INACTIVE, "state " + info);
                    expect(pools.xmlDesc(ref(p), rnd.nextInt(2)).contains("<name>" + p + "</name>"), "xmlDesc");
                    pools.isActive(ref(p));
                    pools.isPersistent(ref(p));
                });
                case VOL_CREATE -> {
                    String name = newName();
                    long capacity = 4096L * (4 + rnd.nextInt(29));
                    long allocation = rnd.nextBoolean() ? 0 : capacity;
                    attempt(op, what + "/" + name, () -> {
                        VolRef r = volumes.create(ref(p), volumeXml(name, capacity, allocation), 0);
                        expect(r.equals(new VolRef(p, name, volPath(p, name))), "create returned " + r);
                        own(p).add(name);
                    });
                }
                case VOL_CREATE_DUP -> {
                    String name = anyOwn(p);
                    attempt(op, what + "/" + name + " (exists)", () -> {
                        try {
                            volumes.create(ref(p), volumeXml(name, 65536, 0), 0);
                        } catch (VirException e) {
                            if (VOL_EXISTS.matches(e)) {
                                return;
                            }
                            throw e;
                        }
                        throw new AssertionError("a second volume " + name + " was created over the first");
                    });
                }
                case VOL_CLONE -> {
                    String name = newName();
                    String from = sourcePoolWithOwn();
                    boolean fromOwn = from != null && rnd.nextInt(10) < 7;
                    String q = fromOwn ? from : anySourcePool();
                    String source = fromOwn ? anyOwn(q) : null;
                    String described = what + "/" + name + " from " + q + "/" + (fromOwn ? source : "(listed)");
                    attempt(op, fromOwn, described, () -> {
                        VolRef src = fromOwn ? new VolRef(q, source, volPath(q, source)) : anyListed(q);
                        if (src == null) {
                            throw VirException.of(ErrorCode.NO_STORAGE_VOL, ErrorDomain.STORAGE,
                                    "no storage vol with matching name '(none listed)'");
                        }
                        slot.doing = what + "/" + name + " from " + src.pool() + "/" + src.name();
                        VolRef r = volumes.createFrom(ref(p), cloneXml(name), src, 0);
                        expect(r.equals(new VolRef(p, name, volPath(p, name))), "clone returned " + r);
                        own(p).add(name);
                    });
                }
                case VOL_CLONE_DUP -> {
                    String name = anyOwn(p);
                    String q = poolWithOwn();
                    String source = anyOwn(q);
                    attempt(op, true, what + "/" + name + " (exists) from " + q + "/" + source, () -> {
                        try {
                            volumes.createFrom(ref(p), cloneXml(name), new VolRef(q, source, volPath(q, source)), 0);
                        } catch (VirException e) {
                            if (CLONE_NAME_USED.matches(e)) {
                                return;
                            }
                            throw e;
                        }
                        throw new AssertionError("a clone replaced the existing volume " + name);
                    });
                }
                case VOL_WIPE -> {
                    boolean mine = rnd.nextInt(10) < 8;
                    String name = mine ? anyOwn(p) : null;
                    attempt(op, mine, what + "/" + (mine ? name : "(listed)"), () -> {
                        VolRef v = mine ? new VolRef(p, name, volPath(p, name)) : anyListed(p);
                        if (v != null) {
                            volumes.wipe(v, 0, 0);
                        }
                    });
                }
                case VOL_DELETE -> {
                    String name = anyOwn(p);
                    attempt(op, true, what + "/" + name, () -> {
                        volumes.delete(new VolRef(p, name, volPath(p, name)), 0);
                        own(p).remove(name);
                    });
                }
                case VOL_UPLOAD -> {
                    boolean mine = rnd.nextInt(10) < 8;
                    String name = mine ? anyOwn(p) : null;
                    int bytes = 1024 * (1 + rnd.nextInt(8));
                    byte fill = (byte) rnd.nextInt(256);
                    attempt(op, mine, what + "/" + (mine ? name : "(listed)") + " " + bytes + " bytes", () -> {
                        VolRef v = mine ? new VolRef(p, name, volPath(p, name)) : anyListed(p);
                        if (v == null) {
                            return;
                        }
                        VolumeStreamFile file = volumes.upload(v, 0, 0, 0);
                        try {
                            byte[] data = new byte[bytes];
                            java.util.Arrays.fill(data, fill);
                            ByteBuffer buf = ByteBuffer.wrap(data);
                            while (buf.hasRemaining()) {
                                file.channel().write(buf);
                            }
                        } finally {
                            file.close(); // the pool is refreshed in the background of the stream's end
                        }
                    });
                }
                case VOL_DOWNLOAD -> {
                    boolean mine = rnd.nextInt(10) < 8;
                    String name = mine ? anyOwn(p) : null;
                    attempt(op, mine, what + "/" + (mine ? name : "(listed)"), () -> {
                        VolRef v = mine ? new VolRef(p, name, volPath(p, name)) : anyListed(p);
                        if (v == null) {
                            return;
                        }
                        try (VolumeStreamFile file = volumes.download(v, 0, 8192, 0)) {
                            ByteBuffer buf = ByteBuffer.allocate(8192);
                            while (buf.hasRemaining() && file.channel().read(buf) > 0) {
                                // read what the window holds
                            }
                        }
                    });
                }
                case VOL_RESIZE -> {
                    String name = anyOwn(p);
                    attempt(op, true, what + "/" + name + " +4 KiB", () -> volumes.resize(new VolRef(p, name,
                            volPath(p, name)), 4096, VolumeDriver.RESIZE_DELTA));
                }
                case VOL_LOOKUP_NAME -> {
                    String name = anyOwn(p);
                    attempt(op, true, what + "/" + name, () -> {
                        VolRef r = volumes.lookupByName(ref(p), name);
                        expect(r.equals(new VolRef(p, name, volPath(p, name))), "found " + r);
                    });
                }
                case VOL_LOOKUP_KEY, VOL_LOOKUP_PATH -> {
                    String name = anyOwn(p);
                    String path = volPath(p, name);
                    attempt(op, what + "/" + name, () -> {
                        VolRef r = op == Op.VOL_LOOKUP_KEY ? volumes.lookupByKey(path) : volumes.lookupByPath(path);
                        expect(r.equals(new VolRef(p, name, path)), "found " + r);
                    });
                }
                case VOL_LIST -> attempt(op, what, () -> {
                    List<VolRef> all = volumes.listAllVolumes(ref(p), 0);
                    Set<String> names = new HashSet<>();
                    Set<String> mine = new TreeSet<>();
                    for (VolRef v : all) {
                        expect(names.add(v.name()), "listed twice: " + v.name());
                        expect(v.pool().equals(p) && v.key().equals(volPath(p, v.name())), "listed " + v);
                        if (v.name().startsWith(prefix)) {
                            mine.add(v.name());
                        }
                    }
                    // only this worker creates or deletes its volumes: its part of the list is its model
                    expect(mine.equals(new TreeSet<>(own(p))), diff("own volumes listed in " + p, mine,
                            "modelled", own(p)));
                });
                case VOL_INFO -> {
                    String name = anyOwn(p);
                    attempt(op, true, what + "/" + name, () -> {
                        VolRef v = new VolRef(p, name, volPath(p, name));
                        VolInfo info = volumes.info(v, rnd.nextInt(2));
                        expect(info.capacity() > 0, "capacity " + info);
                        expect(volumes.xmlDesc(v, 0).contains("<name>" + name + "</name>"), "xmlDesc");
                        expect(volPath(p, name).equals(volumes.path(v)), "path");
                    });
                }
                default -> throw new IllegalStateException(op.toString());
            }
        }

        private void attempt(Op op, String what, Body body) {
            attempt(op, false, what, body);
        }

        /**
         * Runs one call, counts it, and sorts out its failure. On one of this worker's own volumes (which
         * only this worker creates and deletes), "no such volume" or "still being allocated" is a bug: only
         * another worker's volume may vanish or be under construction.
         */
        private void attempt(Op op, boolean ownVolume, String what, Body body) {
            LongAdder[] c = counts.get(op);
            c[0].increment();
            slot.begin(what);
            try {
                body.run();
                c[1].increment();
                if (op.name().startsWith("POOL_") && what.matches("w\\d+ POOL_\\w+ p\\d")) {
                    poolChanges.computeIfAbsent(what.substring(what.indexOf(' ') + 1), k -> new LongAdder())
                            .increment();
                }
            } catch (VirException e) {
                Refusal expected = EXPECTED.get(op).stream()
                        .filter(r -> !(ownVolume && (r == NO_VOL || r == VOL_BUILDING)))
                        .filter(r -> r.matches(e)).findFirst().orElse(null);
                if (expected != null) {
                    c[2].increment();
                    reasons.computeIfAbsent(op + ": " + e.code() + " " + normalize(e.detail()), k -> new LongAdder())
                            .increment();
                } else {
                    unexpected(what, e);
                }
            } catch (Throwable t) {
                unexpected(what, t);
            } finally {
                slot.end();
            }
        }

        private void unexpected(String what, Throwable t) {
            String detail = t instanceof VirException v
                    ? " [code " + v.code() + ", detail \"" + v.detail() + "\"]" : "";
            failures.add("unexpected failure of \"" + slot.doing + "\"" + detail + ": " + stackTrace(t));
            stop.set(true);
        }
    }

    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    private void printSummary(List<Worker> workers, long elapsedMs) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("stress: %.1f s, %d quiescent checks, %d pool events, %d slowed backend calls on %s, "
                + "%d injected backend failures%n", elapsedMs / 1000.0, checks, events.sum(), slowCalls.sum(), SLOW_POOL,
                faults.sum()));
        out.append(String.format("  %-16s %8s %8s %8s%n", "operation", "calls", "ok", "refused"));
        long total = 0;
        for (Op op : Op.values()) {
            LongAdder[] c = counts.get(op);
            total += c[0].sum();
            out.append(String.format("  %-16s %8d %8d %8d%n", op, c[0].sum(), c[1].sum(), c[2].sum()));
        }
        out.append(String.format("  %-16s %8d%n", "total", total));
        out.append("  successful pool calls per pool:\n");
        for (Op op : List.of(Op.POOL_DEFINE, Op.POOL_START, Op.POOL_CREATE, Op.POOL_BUILD, Op.POOL_REFRESH,
                Op.POOL_DESTROY, Op.POOL_UNDEFINE)) {
            out.append(String.format("    %-16s", op));
            for (String p : POOLS) {
                LongAdder n = poolChanges.get(op + " " + p);
                out.append(String.format(" %s=%-5d", p, n == null ? 0 : n.sum()));
            }
            out.append('\n');
        }
        out.append("  refusals:\n");
        new TreeMap<>(reasons).forEach((k, v) -> out.append(String.format("    %6d  %s%n", v.sum(), k)));
        int volumesLeft = workers.stream().mapToInt(w -> POOLS.stream().mapToInt(p -> w.own(p).size()).sum()).sum();
        out.append("  volumes left at the end: ").append(volumesLeft).append('\n');
        System.out.print(out);
    }

    private static String normalize(String detail) {
        return detail == null ? "" : detail.replaceAll("w\\d+-v\\d+", "<vol>").replaceAll("/[^' ]*", "<path>")
                .replaceAll("'[0-9a-f-]{36}'", "'<uuid>'").replaceAll("\\bp\\d\\b", "pN");
    }

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private static void assertState(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(format, args));
        }
    }

    private static String diff(String leftName, Set<String> left, String rightName, Set<String> right) {
        Set<String> onlyLeft = new TreeSet<>(left);
        onlyLeft.removeAll(right);
        Set<String> onlyRight = new TreeSet<>(right);
        onlyRight.removeAll(left);
        return leftName + " " + new TreeSet<>(left) + " != " + rightName + " " + new TreeSet<>(right)
                + ": only in the first " + onlyLeft + ", only in the second " + onlyRight;
    }

    private static Set<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return new TreeSet<>();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private Path target(String pool) {
        return poolsDir.resolve(pool);
    }

    private String volPath(String pool, String name) {
        return target(pool).resolve(name).toString();
    }

    private static PoolRef ref(String pool) {
        return new PoolRef(pool, UUID.nameUUIDFromBytes(("stress-" + pool).getBytes(StandardCharsets.UTF_8)));
    }

    private String poolXml(String pool) {
        return "<pool type='dir'><name>" + pool + "</name><uuid>" + ref(pool).uuid() + "</uuid><target><path>"
                + target(pool) + "</path></target></pool>";
    }

    private static String volumeXml(String name, long capacity, long allocation) {
        return "<volume><name>" + name + "</name><capacity unit='bytes'>" + capacity + "</capacity>"
                + "<allocation unit='bytes'>" + allocation + "</allocation>"
                + "<target><format type='raw'/></target></volume>";
    }

    private static String cloneXml(String name) {
        return "<volume><name>" + name + "</name><target><format type='raw'/></target></volume>";
    }
}
