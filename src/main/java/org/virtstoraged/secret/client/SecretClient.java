package org.virtstoraged.secret.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.virtstoraged.admin.TypedParam;

/**
 * Gets secret values from the secret daemon, one connection per request as libvirt's storage driver does
 * (it opens the secret connection when it needs a value and drops it after): a daemon restarted in between
 * is simply reached again. Blocking: call it from a worker thread, never from the event loop.
 *
 * @param socket    the secret daemon's socket ({@link SecretSocket})
 * @param uri       what CONNECT_OPEN opens there: secret:///system or secret:///session
 * @param timeout   the bound of connecting and of each call
 * @param tokenFile the system token file ({@link SystemToken}) whose token is sent as this process's system
 *                  identity, so that private secrets are readable; null to send no identity
 */
public record SecretClient(Path socket, String uri, Duration timeout, Path tokenFile) {
    /** A client that sends no identity: the secret daemon refuses it private values, as it refuses virsh. */
    public SecretClient(Path socket, String uri, Duration timeout) {
        this(socket, uri, timeout, null);
    }

    /**
     * The client virtstoraged uses: the secret URI and socket of its euid, in the remote driver's direct
     * mode, acting as a libvirt daemon for the system.
     */
    public static SecretClient forDaemon(boolean euidRoot, Duration timeout) {
        return new SecretClient(SecretSocket.forDaemon(euidRoot), SecretSocket.uriFor(euidRoot), timeout,
                SystemToken.path(euidRoot, System.getenv()));
    }

    public byte[] valueByUuid(UUID uuid) {
        try (SecretConnection c = open()) {
            return c.value(c.lookupByUuid(uuid));
        }
    }

    public byte[] valueByUsage(int usageType, String usageId) {
        try (SecretConnection c = open()) {
            return c.value(c.lookupByUsage(usageType, usageId));
        }
    }

    public SecretConnection open() {
        var identity = tokenFile == null ? List.<TypedParam>of()
                : SystemIdentity.of(SystemToken.ensure(tokenFile));
        return SecretConnection.open(socket, uri, timeout, identity);
    }
}
