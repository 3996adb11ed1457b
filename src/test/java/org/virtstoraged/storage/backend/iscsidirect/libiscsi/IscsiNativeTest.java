package org.virtstoraged.storage.backend.iscsidirect.libiscsi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The installed libiscsi has every symbol we bind (a missing library: os/ForeignLibraryTest). */
class IscsiNativeTest {
    /** Needs Debian's libiscsi7 (.ci/run installs it): every handle is made, so no symbol is missing. */
    @Test
    void theInstalledLibraryHasEverySymbolBound() {
        IscsiLibrary.require();   // fails naming libiscsi7 when missing
        // initialising the holder binds every handle: a symbol libiscsi lacks fails it
        org.junit.jupiter.api.Assertions.assertNotNull(IscsiNative.H.WRITE16_TASK);
    }

    @Test
    void aContextIsMadeAndDestroyedWithoutATarget() {
        try (IscsiContext c = IscsiContext.create("iqn.2026-12.org.example:unit", java.time.Duration.ofSeconds(1))) {
            c.initTransport();
            c.setSessionType(IscsiContext.SESSION_DISCOVERY);
            assertEquals(false, c.isBroken());
            // nothing listens on port 1 of 127.0.0.1: libiscsi's own error for the refused connection
            IscsiException e = org.junit.jupiter.api.Assertions.assertThrows(IscsiException.class,
                    () -> c.connect("127.0.0.1:1"));
            assertEquals(false, e.timedOut(), e.getMessage());
        }
    }
}
