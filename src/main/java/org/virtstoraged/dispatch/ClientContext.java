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
    private volatile boolean readOnly;
    private volatile boolean closeCallbackRegistered;
    private volatile boolean closeRequested;

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

    void markOpen(boolean readOnly) {
        this.readOnly = readOnly;
        this.open = true;
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
