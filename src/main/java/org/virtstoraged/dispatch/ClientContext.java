package org.virtstoraged.dispatch;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What procedures see of the client they serve: identity, whether its connection is open, read-only
 * or not, and the hooks into its transport that a few connect-level procedures need.
 */
public final class ClientContext {
    private final long id;
    private final boolean readOnlySocket;
    private final PeerCredentials peer;
    private final Runnable startKeepalive;
    private final ClientTransport transport;
    private final StreamPackets streams = new StreamPackets();
    private final List<Runnable> disconnectActions = new CopyOnWriteArrayList<>();
    private volatile boolean open;
    /** The name the connection was opened with: what virConnectGetURI formats. */
    private volatile String uri;
    /** Set by CONNECT_SET_IDENTITY; until then the client acts as its socket peer. */
    private volatile ClientIdentity forwardedIdentity;
    private volatile ClientIdentity peerIdentity;
    private volatile boolean readOnly;
    private volatile boolean closeCallbackRegistered;
    private volatile boolean closeRequested;
    // authentication (auth_unix_rw / auth_unix_ro): the socket's method, and whether it is done
    private volatile int authType = AUTH_TYPE_NONE;
    private volatile boolean authenticated = true;
    private volatile Runnable onAuthenticated = () -> { };

    /** remote_auth_type values: REMOTE_AUTH_NONE and REMOTE_AUTH_POLKIT. */
    public static final int AUTH_TYPE_NONE = 0;
    public static final int AUTH_TYPE_POLKIT = 2;

    public ClientContext(long id, boolean readOnlySocket, PeerCredentials peer, Runnable startKeepalive) {
        this(id, readOnlySocket, peer, startKeepalive, ClientTransport.DETACHED);
    }

    public ClientContext(long id, boolean readOnlySocket, PeerCredentials peer, Runnable startKeepalive,
            ClientTransport transport) {
        this.id = id;
        this.readOnlySocket = readOnlySocket;
        this.peer = peer;
        this.startKeepalive = startKeepalive;
        this.readOnly = readOnlySocket;
        this.transport = transport;
    }

    /**
     * The socket requires this authentication (remote_auth_type) before any call other than the
     * AUTH_* ones; the action runs once the client has authenticated.
     */
    public void requireAuth(int type, Runnable whenAuthenticated) {
        this.authType = type;
        this.authenticated = type == AUTH_TYPE_NONE;
        this.onAuthenticated = whenAuthenticated;
    }

    public int authType() {
        return authType;
    }

    public boolean authenticated() {
        return authenticated;
    }

    void markAuthenticated() {
        if (!authenticated) {
            authenticated = true;
            onAuthenticated.run();
        }
    }

    /** The connection, for what a procedure sends after its reply (events, stream data). */
    public ClientTransport transport() {
        return transport;
    }

    /** The streams this client has open. */
    public StreamPackets streams() {
        return streams;
    }

    /** Runs the action when the client disconnects (event callbacks and streams end with their client). */
    public void onDisconnect(Runnable action) {
        disconnectActions.add(action);
    }

    /** Called by the transport once, when the connection is gone. */
    public void disconnected() {
        streams.clientGone();
        for (Runnable action : disconnectActions) {
            action.run();
        }
        disconnectActions.clear();
    }

    public long id() {
        return id;
    }

    public boolean readOnlySocket() {
        return readOnlySocket;
    }

    public PeerCredentials peer() {
        return peer;
    }

    public boolean isOpen() {
        return open;
    }

    public boolean isReadOnly() {
        return readOnly;
    }

    void markOpen(String uri, boolean readOnly) {
        this.uri = uri;
        this.readOnly = readOnly;
        this.open = true;
    }

    /** The URI of the open connection. */
    String uri() {
        return uri;
    }

    /** Who the client acts for: the identity a forwarding daemon set, else its socket peer. */
    public ClientIdentity identity() {
        ClientIdentity forwarded = forwardedIdentity;
        if (forwarded != null) {
            return forwarded;
        }
        ClientIdentity peerId = peerIdentity;
        if (peerId == null) {
            // looked up once, when first asked: most clients never are
            peerId = ClientIdentity.fromPeer(peer);
            peerIdentity = peerId;
        }
        return peerId;
    }

    void setIdentity(ClientIdentity identity) {
        this.forwardedIdentity = identity;
    }

    boolean closeCallbackRegistered() {
        return closeCallbackRegistered;
    }

    void setCloseCallbackRegistered(boolean registered) {
        this.closeCallbackRegistered = registered;
    }

    void startKeepalive() {
        startKeepalive.run();
    }

    /** The client asked to close (CONNECT_CLOSE): the transport closes it once the reply is out. */
    void requestClose() {
        closeRequested = true;
    }

    public boolean closeRequested() {
        return closeRequested;
    }
}
