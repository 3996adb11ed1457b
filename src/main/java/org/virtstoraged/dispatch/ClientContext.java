package org.virtstoraged.dispatch;

/**
 * What procedures see of the client they serve: identity, whether its connection is open, read-only
 * or not, and the hooks into its transport that a few connect-level procedures need.
 */
public final class ClientContext {
    private final long id;
    private final boolean readOnlySocket;
    private final PeerCredentials peer;
    private final Runnable startKeepalive;
    private volatile boolean open;
    private volatile boolean readOnly;
    private volatile boolean closeCallbackRegistered;
    private volatile boolean closeRequested;

    public ClientContext(long id, boolean readOnlySocket, PeerCredentials peer, Runnable startKeepalive) {
        this.id = id;
        this.readOnlySocket = readOnlySocket;
        this.peer = peer;
        this.startKeepalive = startKeepalive;
        this.readOnly = readOnlySocket;
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
