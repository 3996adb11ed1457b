package org.virtstoraged.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The edges of virStrToLong_* as libvirt's callers meet them (modes in octal, ints, unsigned ints). */
class StrToLongTest {
    @Test
    void octalIntAsVirStrToLongIReadsIt() {
        assertEquals(OptionalInt.of(0770), StrToLong.integer(" \t0770", 8));
        assertEquals(OptionalInt.of(0600), StrToLong.integer("+0600", 8));
        assertEquals(OptionalInt.of(-7), StrToLong.integer("-7", 8));
        assertEquals(OptionalInt.of(Integer.MAX_VALUE), StrToLong.integer("17777777777", 8));
        assertEquals(OptionalInt.of(Integer.MIN_VALUE), StrToLong.integer("-20000000000", 8));
        for (String refused : new String[] {"20000000000", "0x1ff", "", "+", "0770 ", "0789", "rwx",
                "99999999999999999999999"}) {
            assertTrue(StrToLong.integer(refused, 8).isEmpty(), refused);
        }
    }

    @Test
    void unsignedIntWrapsNegativesAsStrtoul() {
        assertEquals(0xffffffffL, StrToLong.unsignedInt("-1").getAsLong());
        assertTrue(StrToLong.unsignedInt("4294967296").isEmpty());
        assertTrue(StrToLong.unsignedIntPositive("-1").isEmpty());
        assertEquals(255L, StrToLong.unsignedIntPositive("0xff", 0).getAsLong());
    }

    @Test
    void unsignedLongLongWrapsNegativesAsStrtoull() {
        assertEquals(199715979264L, StrToLong.unsignedLongLong("199715979264").getAsLong());
        assertEquals(-1L, StrToLong.unsignedLongLong("18446744073709551615").getAsLong());
        assertEquals(-1L, StrToLong.unsignedLongLong("-1").getAsLong());
        assertEquals(5L, StrToLong.unsignedLongLong(" +5").getAsLong());
        for (String refused : new String[] {"18446744073709551616", "12G", "", "-", "1 ", "none"}) {
            assertTrue(StrToLong.unsignedLongLong(refused).isEmpty(), refused);
        }
    }
}
