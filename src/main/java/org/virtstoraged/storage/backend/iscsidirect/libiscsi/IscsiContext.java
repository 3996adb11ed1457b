package org.virtstoraged.storage.backend.iscsidirect.libiscsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.virtstoraged.os.ForeignCalls;

/**
 * One libiscsi context (struct iscsi_context): a TCP connection to a portal and its iSCSI session.
 *
 * <p>libiscsi's *_sync calls wait in poll() loops of their own that end only when the command completes:
 * libiscsi 1.19 has no timeout on the TCP connect at all, and iscsi_set_timeout only covers PDUs whose
 * owner keeps calling iscsi_service, while a session that drops makes the sync loop reconnect forever
 * (libvirtd spins during a wipe). So this class drives libiscsi's asynchronous API with its own poll(2)
 * loop and a deadline for every wait: no answer within the timeout fails the call, and the context is then
 * only good for {@link #close}. Automatic reconnection is off.
 *
 * <p>Not thread-safe in libiscsi: every method here is synchronized, and it blocks, so callers are worker
 * threads. Completion callbacks run inside iscsi_service (or iscsi_destroy_context) on the calling thread.
 */
public final class IscsiContext implements AutoCloseable {
    public static final int SESSION_DISCOVERY = 1;
    public static final int SESSION_NORMAL = 2;
    private static final int TCP_TRANSPORT = 0;
    private static final int POLLIN = 0x1;

    /** Calls waiting for their callback, by the token passed as libiscsi's private_data. */
    private static final Map<Long, Pending> PENDING = new ConcurrentHashMap<>();
    private static final AtomicLong TOKENS = new AtomicLong(1);
    private static final MemorySegment CALLBACK;

    static {
        try {
            CALLBACK = ForeignCalls.upcall(MethodHandles.lookup().findStatic(IscsiContext.class, "completed",
                    MethodType.methodType(void.class, MemorySegment.class, int.class, MemorySegment.class,
                            MemorySegment.class)), IscsiNative.COMMAND_CB, Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment context;
    private final long timeoutNanos;
    private final MemorySegment pollfd;
    private final Set<Long> tokens = new HashSet<>();
    private boolean broken;
    private boolean timedOut;
    private boolean closed;

    private IscsiContext(MemorySegment context, Duration timeout) {
        this.context = context;
        this.timeoutNanos = timeout.toNanos();
        this.pollfd = arena.allocate(8, 4);
    }

    /**
     * iscsi_create_context for the initiator name, with automatic reconnection off.
     *
     * @throws IscsiException when libiscsi cannot make one
     */
    public static IscsiContext create(String initiatorIqn, Duration timeout) {
        IscsiNative.require();
        MemorySegment ctx;
        try (Arena a = Arena.ofConfined()) {
            ctx = (MemorySegment) IscsiNative.H.CREATE_CONTEXT.invokeExact(IscsiNative.cString(a, initiatorIqn));
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
        if (ctx.address() == 0) {
            throw new IscsiException("iscsi_create_context failed", false);
        }
        try {
            IscsiNative.H.SET_NOAUTORECONNECT.invokeExact(ctx, 1);
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
        return new IscsiContext(ctx, timeout);
    }

    /** iscsi_get_error: libiscsi's text for the last failure. */
    public synchronized String error() {
        try {
            String e = IscsiNative.string((MemorySegment) IscsiNative.H.GET_ERROR.invokeExact(context));
            return e == null ? "" : e;
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
    }

    public synchronized void initTransport() {
        check(invokeInt(() -> (int) IscsiNative.H.INIT_TRANSPORT.invokeExact(context, TCP_TRANSPORT)));
    }

    public synchronized void setTargetName(String target) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = IscsiNative.cString(a, target);
            check(invokeInt(() -> (int) IscsiNative.H.SET_TARGETNAME.invokeExact(context, name)));
        }
    }

    public synchronized void setSessionType(int type) {
        check(invokeInt(() -> (int) IscsiNative.H.SET_SESSION_TYPE.invokeExact(context, type)));
    }

    /** iscsi_set_initiator_username_pwd: CHAP with this account. libiscsi keeps its own copy. */
    public synchronized void setChap(String user, byte[] password) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment u = IscsiNative.cString(a, user);
            MemorySegment p = a.allocate(password.length + 1L);
            MemorySegment.copy(password, 0, p, ValueLayout.JAVA_BYTE, 0, password.length);
            try {
                check(invokeInt(() -> (int) IscsiNative.H.SET_USERNAME_PWD.invokeExact(context, u, p)));
            } finally {
                p.fill((byte) 0);
            }
        }
    }

    /** iscsi_connect_async, then waits for the TCP connection. */
    public synchronized void connect(String portal) {
        Pending p = pending();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment where = IscsiNative.cString(a, portal);
            int rc = invokeInt(() -> (int) IscsiNative.H.CONNECT_ASYNC.invokeExact(context, where, CALLBACK,
                    p.tokenSegment()));
            started(p, rc == 0, "Failed to start connect() ");
        }
        await(p);
        good(p);
    }

    public synchronized void login() {
        Pending p = pending();
        int rc = invokeInt(() -> (int) IscsiNative.H.LOGIN_ASYNC.invokeExact(context, CALLBACK, p.tokenSegment()));
        started(p, rc == 0, "Failed to login. ");
        await(p);
        good(p);
    }

    public synchronized void logout() {
        Pending p = pending();
        int rc = invokeInt(() -> (int) IscsiNative.H.LOGOUT_ASYNC.invokeExact(context, CALLBACK, p.tokenSegment()));
        started(p, rc == 0, "Failed to start logout() ");
        await(p);
        good(p);
    }

    public synchronized void disconnect() {
        check(invokeInt(() -> (int) IscsiNative.H.DISCONNECT.invokeExact(context)));
    }

    /**
     * SendTargets: the target names, in the order libiscsi's iscsi_discovery_sync gives them (it copies the
     * reply's list in reverse), which libvirt would list.
     */
    public synchronized List<String> discovery() {
        Discovery p = new Discovery(TOKENS.getAndIncrement());
        register(p);
        int rc = invokeInt(() -> (int) IscsiNative.H.DISCOVERY_ASYNC.invokeExact(context, CALLBACK, p.tokenSegment()));
        started(p, rc == 0, "Failed to start discovery ");
        await(p);
        good(p);
        return p.names.reversed();
    }

    /** REPORT LUNS (select report 0) with this allocation length. */
    public synchronized ScsiTask reportLuns(int allocationLength) {
        return task(token -> (MemorySegment) IscsiNative.H.REPORTLUNS_TASK.invokeExact(context, 0, allocationLength,
                CALLBACK, token), "Failed to send ReportLuns command");
    }

    /** Standard INQUIRY (no EVPD, page 0) of up to maxSize bytes. */
    public synchronized ScsiTask inquiry(int lun, int maxSize) {
        return task(token -> (MemorySegment) IscsiNative.H.INQUIRY_TASK.invokeExact(context, lun, 0, 0, maxSize,
                CALLBACK, token), "Failed to send Inquiry command");
    }

    public synchronized ScsiTask readCapacity16(int lun) {
        return task(token -> (MemorySegment) IscsiNative.H.READCAPACITY16_TASK.invokeExact(context, lun, CALLBACK,
                token), "Failed to send ReadCapacity16 command");
    }

    /**
     * WRITE(16)s of {@code data} (from {@link #buffer}), all in flight at once: each {@code {lba, blocks}} of
     * {@code writes} writes the first blocks × blockSize bytes of it at that LBA.
     */
    public synchronized List<ScsiTask> write16(int lun, List<long[]> writes, MemorySegment data, int blockSize) {
        return tasks(writes.stream().<TaskStart>map(w -> token -> (MemorySegment) IscsiNative.H.WRITE16_TASK
                .invokeExact(context, lun, w[0], data, (int) (w[1] * blockSize), blockSize, 0, 0, 0, 0, 0, CALLBACK,
                        token)).toList(), "Failed to send Write16 command");
    }

    /**
     * A zeroed buffer that lives as long as this context: libiscsi sends write data from the caller's memory,
     * possibly after a timed-out call returned, so it must outlive the context.
     */
    public synchronized MemorySegment buffer(long bytes) {
        return arena.allocate(Math.max(1, bytes));
    }

    /**
     * Whether a call timed out, failed in the event loop or could not be queued: the context is then only good
     * for closing.
     */
    public synchronized boolean isBroken() {
        return broken;
    }

    /** Whether a call got no answer in time: the target hangs, so connecting again would wait as long. */
    public synchronized boolean isTimedOut() {
        return timedOut;
    }

    /** iscsi_destroy_context (which cancels what is still queued), then frees this context's memory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            int ignored = (int) IscsiNative.H.DESTROY_CONTEXT.invokeExact(context);
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        } finally {
            // calls that timed out and were not even cancelled: nobody waits for them any more. Their tasks
            // are left to leak rather than freed while libiscsi may still hold them.
            tokens.forEach(PENDING::remove);
            tokens.clear();
            arena.close();
        }
    }

    // ---- the event loop -------------------------------------------------------------------------

    @FunctionalInterface
    private interface TaskStart {
        MemorySegment start(MemorySegment token) throws Throwable;
    }

    @FunctionalInterface
    private interface IntCall {
        int invoke() throws Throwable;
    }

    private ScsiTask task(TaskStart start, String notSent) {
        return tasks(List.of(start), notSent).get(0);
    }

    /**
     * Queues every command at once and waits for them all: one round trip to the target for the lot. The
     * tasks come back in the order of {@code starts}, each whatever its status (as libvirt's sync calls).
     */
    private List<ScsiTask> tasks(List<TaskStart> starts, String notSent) {
        List<Pending> pendings = new ArrayList<>(starts.size());
        List<MemorySegment> tasks = new ArrayList<>(starts.size());
        for (TaskStart start : starts) {
            Pending p = pending();
            MemorySegment task;
            try {
                task = start.start(p.tokenSegment());
            } catch (Throwable t) {
                throw ForeignCalls.unexpected(t);
            }
            started(p, task.address() != 0, null);
            if (task.address() == 0) {
                // the ones already queued stay with the context, which is broken now
                throw new IscsiException(notSent, false);
            }
            pendings.add(p);
            tasks.add(task);
        }
        await(pendings);
        List<ScsiTask> done = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            done.add(new ScsiTask(tasks.get(i), pendings.get(i).error));
        }
        return done;
    }

    /** TEST UNIT READY of each LUN, all in flight at once. */
    public synchronized List<ScsiTask> testUnitReady(List<Integer> luns) {
        return tasks(luns.stream().<TaskStart>map(lun -> token -> (MemorySegment) IscsiNative.H.TESTUNITREADY_TASK
                .invokeExact(context, (int) lun, CALLBACK, token)).toList(), "Failed to send TestUnitReady command");
    }

    /** Standard INQUIRY of each LUN, all in flight at once. */
    public synchronized List<ScsiTask> inquiry(List<Integer> luns, int maxSize) {
        return tasks(luns.stream().<TaskStart>map(lun -> token -> (MemorySegment) IscsiNative.H.INQUIRY_TASK
                .invokeExact(context, (int) lun, 0, 0, maxSize, CALLBACK, token)).toList(),
                "Failed to send Inquiry command");
    }

    /** READ CAPACITY(16) of each LUN, all in flight at once. */
    public synchronized List<ScsiTask> readCapacity16(List<Integer> luns) {
        return tasks(luns.stream().<TaskStart>map(lun -> token -> (MemorySegment) IscsiNative.H.READCAPACITY16_TASK
                .invokeExact(context, (int) lun, CALLBACK, token)).toList(), "Failed to send ReadCapacity16 command");
    }

    private Pending pending() {
        Pending p = new Pending(TOKENS.getAndIncrement());
        register(p);
        return p;
    }

    private void register(Pending p) {
        if (closed) {
            throw new IllegalStateException("iSCSI context already closed");
        }
        tokens.add(p.token);
        PENDING.put(p.token, p);
    }

    /** After an *_async call: when it was refused, the pending call is dropped and libiscsi's error reported. */
    private void started(Pending p, boolean ok, String prefix) {
        if (ok) {
            return;
        }
        PENDING.remove(p.token);
        tokens.remove(p.token);
        // libiscsi would not even queue it (no longer logged in, connection gone): the context is done for
        broken = true;
        if (prefix != null) {
            throw new IscsiException(prefix + error(), false);
        }
    }

    private void good(Pending p) {
        if (p.status != ScsiTask.STATUS_GOOD) {
            throw new IscsiException(error(), false);
        }
    }

    private void await(Pending p) {
        await(List.of(p));
    }

    /**
     * Services the connection until every one of {@code pending} completes. Each wait for the target has the
     * timeout: the deadline starts again whenever one of them completes.
     */
    private void await(List<Pending> pending) {
        long deadline = System.nanoTime() + timeoutNanos;
        int done = 0;
        try {
            while (done < pending.size()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    broken = true;
                    timedOut = true;
                    throw new IscsiException("no answer from the target within " + timeoutText(), true);
                }
                int fd = invokeInt(() -> (int) IscsiNative.H.GET_FD.invokeExact(context));
                int events = invokeInt(() -> (int) IscsiNative.H.WHICH_EVENTS.invokeExact(context));
                pollfd.set(ValueLayout.JAVA_INT, 0, fd);
                pollfd.set(ValueLayout.JAVA_SHORT, 4, (short) (events == 0 ? POLLIN : events));
                pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                int waitMillis = (int) Math.max(1, Math.min(250, left / 1_000_000));
                int ready = invokeInt(() -> (int) IscsiNative.H.POLL.invokeExact(pollfd, 1L, waitMillis));
                // a failed poll (EINTR) services nothing and tries again until the deadline
                int revents = ready > 0 ? Short.toUnsignedInt(pollfd.get(ValueLayout.JAVA_SHORT, 6)) : 0;
                if (ready < 0) {
                    continue;
                }
                int rc = invokeInt(() -> (int) IscsiNative.H.SERVICE.invokeExact(context, revents));
                if (rc < 0) {
                    broken = true;
                    throw new IscsiException("iscsi_service failed with : " + error(), false);
                }
                int now = (int) pending.stream().filter(x -> x.done).count();
                if (now > done) {
                    done = now;
                    deadline = System.nanoTime() + timeoutNanos;
                }
            }
        } finally {
            for (Pending p : pending) {
                if (p.done) {
                    tokens.remove(p.token);
                }
            }
        }
    }

    private String timeoutText() {
        long millis = timeoutNanos / 1_000_000;
        return millis % 1000 == 0 ? millis / 1000 + " seconds" : millis + " ms";
    }

    private static int invokeInt(IntCall call) {
        try {
            return call.invoke();
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
    }

    private void check(int rc) {
        if (rc < 0) {
            throw new IscsiException(error(), false);
        }
    }

    /** libiscsi's completion callback: never lets anything escape into native code. */
    private static void completed(MemorySegment iscsi, int status, MemorySegment commandData, MemorySegment priv) {
        try {
            Pending p = PENDING.remove(priv.address());
            if (p != null) {
                if (status != ScsiTask.STATUS_GOOD) {
                    // libiscsi sets the error text of a failed command just before calling back
                    p.error = IscsiNative.string((MemorySegment) IscsiNative.H.GET_ERROR.invokeExact(iscsi));
                }
                p.complete(status, commandData);
            }
        } catch (Throwable t) {
            // nothing may be thrown through a native frame
        }
    }

    private static class Pending {
        final long token;
        volatile boolean done;
        int status = -1;
        /** libiscsi's error text when the command failed, taken at its completion. */
        String error;

        Pending(long token) {
            this.token = token;
        }

        MemorySegment tokenSegment() {
            return MemorySegment.ofAddress(token);
        }

        void complete(int status, MemorySegment commandData) {
            this.status = status;
            this.done = true;
        }
    }

    /** SendTargets' reply, read inside the callback (libiscsi frees it when the callback returns). */
    private static final class Discovery extends Pending {
        final List<String> names = new ArrayList<>();

        Discovery(long token) {
            super(token);
        }

        @Override
        void complete(int status, MemorySegment commandData) {
            // struct iscsi_discovery_address { next; target_name; portals; }
            for (MemorySegment a = commandData; a.address() != 0; ) {
                MemorySegment addr = a.reinterpret(24);
                String name = IscsiNative.string(addr.get(ValueLayout.ADDRESS, 8));
                if (name != null) {
                    names.add(name);
                }
                a = addr.get(ValueLayout.ADDRESS, 0);
            }
            super.complete(status, commandData);
        }
    }
}
