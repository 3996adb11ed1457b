package org.virtstoraged.secret.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.virtstoraged.admin.TypedParam;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.remote.RemoteProgram;
import org.virtstoraged.rpc.xdr.XdrDecoder;

/**
 * An open connection to the secret driver, as libvirt's remote driver opens one: authentication list, then
 * CONNECT_OPEN with the secret URI. Blocking, for worker threads only; one caller at a time. Every call is
 * bounded by the timeout given at open.
 */
public final class SecretConnection implements AutoCloseable {
    static final int SECRET_LOOKUP_BY_UUID = 141;
    static final int SECRET_GET_VALUE = 145;
    static final int SECRET_LOOKUP_BY_USAGE = 147;

    private final RpcChannel channel;

    private SecretConnection(RpcChannel channel) {
        this.channel = channel;
    }

    /** Connects to the socket and opens the URI (secret:///system or secret:///session) on it. */
    public static SecretConnection open(Path socket, String uri, Duration timeout) {
        return open(socket, uri, timeout, List.of());
    }

    /**
     * As {@link #open(Path, String, Duration)}, then CONNECT_SET_IDENTITY with {@code identity} unless it is
     * empty, as libvirt's daemons pass on the identity they act for (virGetConnectGeneric).
     */
    public static SecretConnection open(Path socket, String uri, Duration timeout, List<TypedParam> identity) {
        RpcChannel channel = RpcChannel.connect(socket, timeout);
        try {
            authenticate(channel);
            channel.call(RemoteProgram.CONNECT_OPEN, SecretMessages.connectOpenArgs(uri, 0));
            if (!identity.isEmpty()) {
                channel.call(RemoteProgram.CONNECT_SET_IDENTITY, SecretMessages.setIdentityArgs(identity, 0));
            }
            return new SecretConnection(channel);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * libvirt's client acts on the first type the daemon lists; a Unix socket with auth_unix_rw="none"
     * lists none or REMOTE_AUTH_NONE. Polkit and SASL are not spoken here.
     */
    private static void authenticate(RpcChannel channel) {
        int[] types = SecretMessages.authListReply(channel.call(RemoteProgram.AUTH_LIST, new byte[0]));
        if (types.length > 0 && types[0] != RemoteProgram.AUTH_NONE) {
            throw new VirException(ErrorCode.AUTH_FAILED, ErrorDomain.REMOTE,
                    "unsupported authentication type " + types[0]);
        }
    }

    public synchronized SecretRef lookupByUuid(UUID uuid) {
        return SecretMessages.secretReply(channel.call(SECRET_LOOKUP_BY_UUID, SecretMessages.lookupByUuidArgs(uuid)));
    }

    public synchronized SecretRef lookupByUsage(int usageType, String usageId) {
        XdrDecoder reply = channel.call(SECRET_LOOKUP_BY_USAGE, SecretMessages.lookupByUsageArgs(usageType, usageId));
        return SecretMessages.secretReply(reply);
    }

    public synchronized byte[] value(SecretRef secret) {
        return SecretMessages.getValueReply(channel.call(SECRET_GET_VALUE, SecretMessages.getValueArgs(secret, 0)));
    }

    /** False once a transport failure or a timeout closed the socket. */
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** CONNECT_CLOSE when the connection still works (bounded like every call), then the socket closes. */
    @Override
    public synchronized void close() {
        try {
            if (channel.isOpen()) {
                channel.call(RemoteProgram.CONNECT_CLOSE, new byte[0]);
            }
        } catch (VirException e) {
            // the daemon went away or refused: the socket is closed below either way
        } finally {
            channel.close();
        }
    }
}
