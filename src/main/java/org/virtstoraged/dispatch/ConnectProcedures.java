package org.virtstoraged.dispatch;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import org.virtstoraged.admin.TypedParam;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.remote.RemoteProgram;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;

/** The connect-level procedures: open/close, authentication, features, identity of the driver. */
final class ConnectProcedures {
    /** LIBVIR_VERSION_NUMBER of the API level we implement: 9.0.0. */
    static final long LIB_VERSION = 9_000_000L;
    /** VIR_CONNECT_RO: the only open flag the storage driver accepts. */
    private static final int CONNECT_RO = 1;
    // virDrvFeature numbers the dispatcher answers itself.
    private static final int FEATURE_FD_PASSING = 8;
    private static final int FEATURE_PROGRAM_KEEPALIVE = 10;
    private static final int FEATURE_REMOTE_EVENT_CALLBACK = 14;
    private static final int FEATURE_REMOTE_CLOSE_CALLBACK = 15;

    private static final int AUTH_SASL_INIT = 67;
    private static final int AUTH_SASL_START = 68;
    private static final int AUTH_SASL_STEP = 69;

    private static final byte[] EMPTY = new byte[0];

    private final boolean privileged;

    ConnectProcedures(boolean privileged) {
        this.privileged = privileged;
    }

    void register(Map<Integer, Procedure> table) {
        table.put(RemoteProgram.AUTH_LIST, Procedure.immediate((c, a) -> {
            int type = c.authType();
            // libvirt's remoteDispatchAuthList: a root client skips polkit (authenticated at once), so
            // that root is never locked out by a missing or broken polkit
            if (type == ClientContext.AUTH_TYPE_POLKIT && c.peer().uid() == 0) {
                c.markAuthenticated();
                type = RemoteProgram.AUTH_NONE;
            }
            return new XdrEncoder().writeInt(1).writeInt(type).toByteArray();
        }));
        table.put(PolkitAuth.AUTH_POLKIT, new PolkitAuth()::call);
        // SASL is never a socket's method here: libvirt fails every SASL step alike, open or not
        for (int sasl : new int[] {AUTH_SASL_INIT, AUTH_SASL_START, AUTH_SASL_STEP}) {
            table.put(sasl, Procedure.immediate((c, a) -> {
                throw VirException.of(ErrorCode.AUTH_FAILED, ErrorDomain.RPC, "%s", "authentication failed");
            }));
        }
        table.put(RemoteProgram.CONNECT_OPEN, Procedure.immediate((c, a) -> open(c, a.readOptionalString(), a.readInt())));
        table.put(RemoteProgram.CONNECT_CLOSE, Procedure.immediate((c, a) -> {
            c.requestClose();
            return EMPTY;
        }));
        table.put(RemoteProgram.CONNECT_SUPPORTS_FEATURE, Procedure.immediate((c, a) -> supportsFeature(c, a.readInt())));
        table.put(RemoteProgram.CONNECT_GET_TYPE, opened(RemoteProgram.CONNECT_GET_TYPE, () ->
                new XdrEncoder().writeString("storage").toByteArray()));
        // virConnectGetURI answers from the connection itself, whatever its driver
        table.put(RemoteProgram.CONNECT_GET_URI, Procedure.immediate((c, a) -> {
            RemoteProcedureTable.requireConnection(c, RemoteProgram.CONNECT_GET_URI);
            return new XdrEncoder().writeString(c.uri()).toByteArray();
        }));
        table.put(RemoteProgram.CONNECT_SET_IDENTITY, Procedure.immediate(ConnectProcedures::setIdentity));
        table.put(RemoteProgram.CONNECT_GET_LIB_VERSION, opened(RemoteProgram.CONNECT_GET_LIB_VERSION, () ->
                new XdrEncoder().writeHyper(LIB_VERSION).toByteArray()));
        // The storage driver runs inside the daemon: trivially secure.
        table.put(RemoteProgram.CONNECT_IS_SECURE, opened(RemoteProgram.CONNECT_IS_SECURE, () ->
                new XdrEncoder().writeInt(1).toByteArray()));
        table.put(RemoteProgram.CONNECT_REGISTER_CLOSE_CALLBACK, Procedure.immediate((c, a) -> {
            RemoteProcedureTable.requireConnection(c, RemoteProgram.CONNECT_REGISTER_CLOSE_CALLBACK);
            c.setCloseCallbackRegistered(true);
            return EMPTY;
        }));
        table.put(RemoteProgram.CONNECT_UNREGISTER_CLOSE_CALLBACK, Procedure.immediate((c, a) -> {
            RemoteProcedureTable.requireConnection(c, RemoteProgram.CONNECT_UNREGISTER_CLOSE_CALLBACK);
            c.setCloseCallbackRegistered(false);
            return EMPTY;
        }));
    }

    private static Procedure opened(int number, java.util.function.Supplier<byte[]> body) {
        return Procedure.immediate((c, a) -> {
            RemoteProcedureTable.requireConnection(c, number);
            return body.get();
        });
    }

    private byte[] open(ClientContext client, String name, int flags) {
        if (client.isOpen()) {
            throw new VirException(ErrorCode.INTERNAL_ERROR, ErrorDomain.RPC, "connection already open");
        }
        // remoteDispatchConnectOpen passes on only the read-only bit (remoteOpenConn): clients send more,
        // e.g. an unprivileged virsh sends VIR_CONNECT_NO_ALIASES and an internal bit (0x6)
        URI uri = validateUri(name);
        client.markOpen(formatUri(uri), client.readOnlySocket() || (flags & CONNECT_RO) != 0);
        return EMPTY;
    }

    /**
     * remoteDispatchConnectSetIdentity: a forwarding daemon (virtproxyd, virtqemud) tells on whose
     * behalf its connection acts. Hand-written in libvirt: it needs the open connection, calls no driver
     * (so no read-only refusal), ignores the flags, and replaces the client's identity.
     */
    private static byte[] setIdentity(ClientContext client, XdrDecoder args) {
        // libvirt's order: XDR decoding, the connection, field names (virTypedParamsDeserialize), then
        // the names and types an identity may have (virIdentitySetParameters)
        List<TypedParam> params = TypedParam.decodeXdrArray(args, RemoteProgram.CONNECT_IDENTITY_PARAMS_MAX);
        args.readInt(); // flags: not looked at
        RemoteProcedureTable.requireConnection(client, RemoteProgram.CONNECT_SET_IDENTITY);
        TypedParam.checkFieldLengths(params);
        client.setIdentity(ClientIdentity.fromParameters(params));
        return EMPTY;
    }

    /** Accepts what libvirt's storage driver accepts: storage:///session, or storage:///system as root. */
    private URI validateUri(String name) {
        URI uri = null;
        try {
            uri = name == null || name.isEmpty() ? null : new URI(name);
        } catch (URISyntaxException e) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.URI, "Unable to parse URI %s", name);
        }
        if (uri == null || !"storage".equals(uri.getScheme()) || uri.getHost() != null
                || (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty())) {
            throw VirException.of(ErrorCode.NO_CONNECT, ErrorDomain.NONE, "%s", name == null ? "<null>" : name);
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String expected = privileged ? "/system" : "/session";
        if (!expected.equals(path)) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.NONE,
                    "unexpected storage URI path '%s', try storage://%s", path, expected);
        }
        return uri;
    }

    /**
     * virURIFormat of the opened URI, what virConnectGetURI answers: with no server, libvirt always
     * writes "scheme://" before the path ("storage:/session" comes back as "storage:///session").
     */
    private static String formatUri(URI uri) {
        StringBuilder sb = new StringBuilder(uri.getScheme()).append("://").append(uri.getRawPath());
        if (uri.getRawQuery() != null) {
            sb.append('?').append(uri.getRawQuery());
        }
        if (uri.getRawFragment() != null) {
            sb.append('#').append(uri.getRawFragment());
        }
        return sb.toString();
    }

    private byte[] supportsFeature(ClientContext client, int feature) {
        int supported;
        if (feature == FEATURE_PROGRAM_KEEPALIVE) {
            // Checked before the connection is opened; saying yes also starts our pings to the client.
            client.startKeepalive();
            supported = 1;
        } else {
            RemoteProcedureTable.requireConnection(client, RemoteProgram.CONNECT_SUPPORTS_FEATURE);
            supported = feature == FEATURE_FD_PASSING || feature == FEATURE_REMOTE_EVENT_CALLBACK
                    || feature == FEATURE_REMOTE_CLOSE_CALLBACK ? 1 : 0;
        }
        return new XdrEncoder().writeInt(supported).toByteArray();
    }
}
