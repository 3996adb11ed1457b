package org.virtstoraged.storage.backend.iscsidirect.libiscsi;

/**
 * A libiscsi call that failed, with libiscsi's own error text (iscsi_get_error), which libvirt appends to its
 * messages. {@link #timedOut()}: no answer within the context's timeout; the session is then unusable.
 */
public final class IscsiException extends RuntimeException {
    private final boolean timedOut;

    IscsiException(String detail, boolean timedOut) {
        super(detail);
        this.timedOut = timedOut;
    }

    /** libiscsi's error text (or ours, for a timeout). */
    public String detail() {
        return getMessage();
    }

    public boolean timedOut() {
        return timedOut;
    }
}
