package org.virtstoraged.secret.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.virtstoraged.admin.TypedParam;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * Gets secret values from the secret daemon. Blocking: call it from a worker thread, never from the event
 * loop. One connection is reused while it lives and closed after {@link #IDLE} without a call (so that a
 * session virtsecretd's --timeout can still end it). A reused connection that turns out dead (the daemon
 * restarted) is replaced once, at once; a timeout is never retried, so no call waits more than its bound.
 */
public final class SecretClient implements AutoCloseable {
    /** How long an unused connection stays open. */
    static final Duration IDLE = Duration.ofSeconds(10);
    private static final ScheduledExecutorService IDLE_CLOSER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "secret-client-idle");
        t.setDaemon(true);
        return t;
    });

    private final Supplier<Path> socket;
    private final String uri;
    private final Duration timeout;
    private final Path tokenFile;
    private final SecretDaemonAutostart autostart;
    private SecretConnection cached;
    private ScheduledFuture<?> idleClose;

    /**
     * @param socket    the secret daemon's socket ({@link SecretSocket})
     * @param uri       what CONNECT_OPEN opens there: secret:///system or secret:///session
     * @param timeout   the bound of connecting and of each call
     * @param tokenFile the system token file ({@link SystemToken}) whose token is sent as this process's system
     *                  identity, so that private secrets are readable; null to send no identity
     * @param autostart how to start the daemon when its socket is missing, or null
     */
    public SecretClient(Path socket, String uri, Duration timeout, Path tokenFile, SecretDaemonAutostart autostart) {
        this(() -> socket, uri, timeout, tokenFile, autostart);
    }

    private SecretClient(Supplier<Path> socket, String uri, Duration timeout, Path tokenFile,
            SecretDaemonAutostart autostart) {
        this.socket = socket;
        this.uri = uri;
        this.timeout = timeout;
        this.tokenFile = tokenFile;
        this.autostart = autostart;
    }

    public SecretClient(Path socket, String uri, Duration timeout, Path tokenFile) {
        this(socket, uri, timeout, tokenFile, null);
    }

    /** A client that sends no identity: the secret daemon refuses it private values, as it refuses virsh. */
    public SecretClient(Path socket, String uri, Duration timeout) {
        this(socket, uri, timeout, null, null);
    }

    /**
     * The client virtstoraged uses: the secret URI and socket of its euid, acting as a libvirt daemon for the
     * system; a session daemon starts virtsecretd when no secret daemon runs, as libvirt's does.
     */
    public static SecretClient forDaemon(boolean euidRoot, Duration timeout) {
        return new SecretClient(() -> SecretSocket.forDaemon(euidRoot), SecretSocket.uriFor(euidRoot), timeout,
                SystemToken.path(euidRoot, System.getenv()), SecretDaemonAutostart.forDaemon(euidRoot, System.getenv()));
    }

    public byte[] valueByUuid(UUID uuid) {
        return call(c -> c.value(c.lookupByUuid(uuid)));
    }

    public byte[] valueByUsage(int usageType, String usageId) {
        return call(c -> c.value(c.lookupByUsage(usageType, usageId)));
    }

    /**
     * virSecretGetSecretString: the value of the secret named by uuid (when not null) or by usage id, which
     * must be of the usage type the caller needs.
     */
    public byte[] secretValue(UUID uuid, String usageId, int usageType) {
        return call(c -> {
            SecretRef secret = uuid != null ? c.lookupByUuid(uuid) : c.lookupByUsage(usageType, usageId);
            if (secret.usageType() != SecretRef.USAGE_NONE && secret.usageType() != usageType) {
                throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE,
                        "secret with uuid %s is of type '%s' not expected '%s' type", secret.uuid(),
                        SecretRef.usageName(secret.usageType()), SecretRef.usageName(usageType));
            }
            return c.value(secret);
        });
    }

    /**
     * The uuid of the secret with this usage, empty when the daemon has none (or refuses the lookup); only
     * failing to reach the daemon is an error (storageBackendLoadDefaultSecrets).
     */
    public Optional<UUID> uuidByUsage(int usageType, String usageId) {
        return call(c -> {
            try {
                return Optional.of(c.lookupByUsage(usageType, usageId).uuid());
            } catch (VirException e) {
                if (!c.isOpen()) {
                    throw e;
                }
                return Optional.empty();
            }
        });
    }

    /** A new connection of its own, which the caller closes. */
    public SecretConnection open() {
        var identity = tokenFile == null ? List.<TypedParam>of()
                : SystemIdentity.of(SystemToken.ensure(tokenFile));
        Path path = socket.get();
        if (autostart != null && autostart.socket().equals(path)) {
            return autostart.connect(() -> SecretConnection.open(path, uri, timeout, identity));
        }
        return SecretConnection.open(path, uri, timeout, identity);
    }

    private synchronized <T> T call(Function<SecretConnection, T> request) {
        if (idleClose != null) {
            idleClose.cancel(false);
        }
        boolean reused = cached != null && cached.isOpen();
        if (!reused) {
            dropCached();
            cached = open();
        }
        try {
            return request.apply(cached);
        } catch (VirException e) {
            if (cached.isOpen()) {
                throw e;
            }
            dropCached();
            if (!reused || e.code() == ErrorCode.OPERATION_TIMEOUT) {
                throw e;
            }
            // the connection we kept died since its last use (a restarted daemon): one fresh try
            cached = open();
            return request.apply(cached);
        } finally {
            if (cached != null) {
                idleClose = IDLE_CLOSER.schedule(this::closeIfIdle, IDLE.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private synchronized void closeIfIdle() {
        dropCached();
    }

    private void dropCached() {
        if (cached != null) {
            cached.close();
            cached = null;
        }
    }

    @Override
    public synchronized void close() {
        if (idleClose != null) {
            idleClose.cancel(false);
        }
        dropCached();
    }
}
