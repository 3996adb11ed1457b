package org.virtstoraged.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A library that cannot be loaded names the Debian package that has it, on every attempt. */
class ForeignLibraryTest {
    @Test
    void aMissingLibraryNamesItsDebianPackageEveryTime() {
        ForeignLibrary missing = new ForeignLibrary("libiscsi-not-here.so.99", "libiscsi7");
        ForeignLibrary.Missing first = assertThrows(ForeignLibrary.Missing.class, missing::lookup);
        assertEquals("cannot load libiscsi-not-here.so.99: install the Debian package libiscsi7", first.getMessage());
        ForeignLibrary.Missing again = assertThrows(ForeignLibrary.Missing.class, () -> missing.find("iscsi_connect"));
        assertEquals(first.getMessage(), again.getMessage());
        assertNotSame(first, again, "each attempt reports with its own stack");
    }

    @Test
    void aFunctionTheLibraryLacksIsAProgrammingError() {
        ForeignLibrary libc = new ForeignLibrary("libc.so.6", "libc6");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> libc.find("no_such_function_here"));
        assertEquals("libc.so.6 has no no_such_function_here()", e.getMessage());
    }
}
