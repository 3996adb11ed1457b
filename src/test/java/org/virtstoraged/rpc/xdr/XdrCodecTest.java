package org.virtstoraged.rpc.xdr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** XdrEncoder and XdrDecoder against RFC 4506: big-endian words, zero padding to 4 bytes. */
class XdrCodecTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    // ---------------------------------------------------------------- byte-exact encodings

    @Test
    void intEncodingIsBigEndian() {
        assertEquals("00000001", hex(new XdrEncoder().writeInt(1).toByteArray()));
        assertEquals("12345678", hex(new XdrEncoder().writeInt(0x12345678).toByteArray()));
        assertEquals("ffffffff", hex(new XdrEncoder().writeInt(-1).toByteArray()));
        assertEquals("80000000", hex(new XdrEncoder().writeInt(Integer.MIN_VALUE).toByteArray()));
        assertEquals("7fffffff", hex(new XdrEncoder().writeInt(Integer.MAX_VALUE).toByteArray()));
        assertEquals("fffffffe", hex(new XdrEncoder().writeInt(-2).toByteArray()));
    }

    @Test
    void remoteProgramNumberEncodesAsInLibvirt() {
        assertEquals("20008086", hex(new XdrEncoder().writeInt(0x20008086).toByteArray()));
    }

    @Test
    void unsignedIntEncoding() {
        assertEquals("ffffffff", hex(new XdrEncoder().writeUnsignedInt(0xFFFF_FFFFL).toByteArray()));
        assertEquals("80000000", hex(new XdrEncoder().writeUnsignedInt(0x8000_0000L).toByteArray()));
        assertEquals("00000000", hex(new XdrEncoder().writeUnsignedInt(0).toByteArray()));
    }

    @Test
    void unsignedIntOutOfRangeIsRejected() {
        assertThrows(XdrException.class, () -> new XdrEncoder().writeUnsignedInt(-1));
        assertThrows(XdrException.class, () -> new XdrEncoder().writeUnsignedInt(0x1_0000_0000L));
        assertThrows(XdrException.class, () -> new XdrEncoder().writeUnsignedInt(Long.MIN_VALUE));
        assertThrows(XdrException.class, () -> new XdrEncoder().writeUnsignedInt(Long.MAX_VALUE));
    }

    @Test
    void hyperEncodingIsHighWordFirst() {
        assertEquals("0000000100000002", hex(new XdrEncoder().writeHyper(0x1_0000_0002L).toByteArray()));
        assertEquals("ffffffffffffffff", hex(new XdrEncoder().writeHyper(-1L).toByteArray()));
        assertEquals("8000000000000000", hex(new XdrEncoder().writeHyper(Long.MIN_VALUE).toByteArray()));
        assertEquals("7fffffffffffffff", hex(new XdrEncoder().writeHyper(Long.MAX_VALUE).toByteArray()));
        assertEquals("0000000000895440", hex(new XdrEncoder().writeHyper(9_000_000L).toByteArray()));
        assertEquals("0123456789abcdef", hex(new XdrEncoder().writeHyper(0x0123_4567_89AB_CDEFL).toByteArray()));
    }

    @Test
    void boolEncoding() {
        assertEquals("00000001", hex(new XdrEncoder().writeBool(true).toByteArray()));
        assertEquals("00000000", hex(new XdrEncoder().writeBool(false).toByteArray()));
    }

    @Test
    void stringEncodingHasLengthThenPaddedBytes() {
        assertEquals("00000005" + "68656c6c6f" + "000000", hex(new XdrEncoder().writeString("hello").toByteArray()));
        assertEquals("00000000", hex(new XdrEncoder().writeString("").toByteArray()));
        assertEquals("00000004" + "74657374", hex(new XdrEncoder().writeString("test").toByteArray()));
        // "é" is C3 A9 in UTF-8: the length is in bytes, not characters.
        assertEquals("00000002" + "c3a9" + "0000", hex(new XdrEncoder().writeString("é").toByteArray()));
        assertEquals("00000012" + hex("storage:///session".getBytes(StandardCharsets.US_ASCII)) + "0000",
                hex(new XdrEncoder().writeString("storage:///session").toByteArray()));
    }

    @Test
    void optionalStringEncoding() {
        assertEquals("00000000", hex(new XdrEncoder().writeOptionalString(null).toByteArray()));
        assertEquals("00000001" + "00000001" + "78000000",
                hex(new XdrEncoder().writeOptionalString("x").toByteArray()));
        assertEquals("00000001" + "00000000", hex(new XdrEncoder().writeOptionalString("").toByteArray()));
    }

    @Test
    void sequenceOfItemsIsConcatenated() {
        byte[] b = new XdrEncoder().writeInt(7).writeBool(true).writeString("ab").writeHyper(-2).toByteArray();
        assertEquals("00000007" + "00000001" + "00000002" + "61620000" + "fffffffffffffffe", hex(b));
    }

    @Test
    void decodesHandComputedBytes() {
        XdrDecoder in = new XdrDecoder(hex("fffffffe 80000000 ffffffff 00000001 fffffffffffffffe 00000003 616263 00"));
        assertEquals(-2, in.readInt());
        assertEquals(0x8000_0000L, in.readUnsignedInt());
        assertEquals(0xFFFF_FFFFL, in.readUnsignedInt());
        assertTrue(in.readBool());
        assertEquals(-2L, in.readHyper());
        assertEquals("abc", in.readString());
        assertEquals(0, in.remaining());
    }

    // ---------------------------------------------------------------- round trips

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1, 2, 255, 256, 65535, -65536, 0x7F, 0x80, 0xFF00FF00, Integer.MIN_VALUE,
            Integer.MAX_VALUE})
    void intRoundTrip(int v) {
        byte[] b = new XdrEncoder().writeInt(v).toByteArray();
        assertEquals(4, b.length);
        XdrDecoder in = new XdrDecoder(b);
        assertEquals(v, in.readInt());
        assertEquals(0, in.remaining());
    }

    @ParameterizedTest
    @ValueSource(longs = {0L, 1L, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFEL, 0xFFFF_FFFFL})
    void unsignedIntRoundTrip(long v) {
        byte[] b = new XdrEncoder().writeUnsignedInt(v).toByteArray();
        assertEquals(4, b.length);
        XdrDecoder in = new XdrDecoder(b);
        assertEquals(v, in.readUnsignedInt());
        assertEquals(0, in.remaining());
    }

    @Test
    void unsignedIntMaxReadsAsMinusOneSigned() {
        assertEquals(-1, new XdrDecoder(new XdrEncoder().writeUnsignedInt(0xFFFF_FFFFL).toByteArray()).readInt());
    }

    @ParameterizedTest
    @ValueSource(longs = {0L, 1L, -1L, -2L, 0xFFFF_FFFFL, 0x1_0000_0000L, -0x1_0000_0000L, 0x8000_0000L,
            0x7FFF_FFFF_FFFF_FFFFL, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, 9_000_000L,
            -9_000_000_000L})
    void hyperRoundTrip(long v) {
        byte[] b = new XdrEncoder().writeHyper(v).toByteArray();
        assertEquals(8, b.length);
        XdrDecoder in = new XdrDecoder(b);
        assertEquals(v, in.readHyper());
        assertEquals(0, in.remaining());
    }

    @Test
    void boolRoundTrip() {
        XdrDecoder in = new XdrDecoder(new XdrEncoder().writeBool(true).writeBool(false).toByteArray());
        assertTrue(in.readBool());
        assertFalse(in.readBool());
        assertEquals(0, in.remaining());
    }

    /** libtirpc's xdr_bool, which libvirt decodes with, takes every non-zero word as TRUE. */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, -1, Integer.MIN_VALUE, 0x100, 0x01000000})
    void decoderTakesAnyNonZeroBoolWordAsTrue(int word) {
        assertTrue(new XdrDecoder(new XdrEncoder().writeInt(word).toByteArray()).readBool());
    }

    /** go-libvirt's CONNECT_OPEN: the presence flag of the optional name is the word 0x01000000. */
    @Test
    void optionalStringWithAnyNonZeroPresenceFlagIsPresent() {
        assertEquals("ab", new XdrDecoder(hex("01000000 00000002 61620000")).readOptionalString());
        assertEquals(null, new XdrDecoder(hex("00000000")).readOptionalString());
    }

    private static byte[] pattern(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (0xA1 + i); // never zero, so padding is distinguishable
        }
        return data;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
    void fixedOpaqueIsZeroPaddedToFourBytes(int n) {
        byte[] data = pattern(n);
        byte[] b = new XdrEncoder().writeFixedOpaque(data).toByteArray();
        int padded = (n + 3) / 4 * 4;
        assertEquals(padded, b.length);
        for (int i = 0; i < n; i++) {
            assertEquals(data[i], b[i], "data byte " + i);
        }
        for (int i = n; i < padded; i++) {
            assertEquals(0, b[i], "padding byte " + i);
        }
        XdrDecoder in = new XdrDecoder(b);
        assertArrayEquals(data, in.readFixedOpaque(n));
        assertEquals(0, in.remaining());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
    void varOpaqueHasLengthWordAndZeroPadding(int n) {
        byte[] data = pattern(n);
        byte[] b = new XdrEncoder().writeVarOpaque(data).toByteArray();
        int padded = (n + 3) / 4 * 4;
        assertEquals(4 + padded, b.length);
        assertEquals(0, b[0]);
        assertEquals(0, b[1]);
        assertEquals(0, b[2]);
        assertEquals(n, b[3]);
        for (int i = 0; i < n; i++) {
            assertEquals(data[i], b[4 + i], "data byte " + i);
        }
        for (int i = 4 + n; i < b.length; i++) {
            assertEquals(0, b[i], "padding byte " + i);
        }
        XdrDecoder in = new XdrDecoder(b);
        assertArrayEquals(data, in.readVarOpaque(9));
        assertEquals(0, in.remaining());
    }

    @Test
    void varOpaqueExactBytes() {
        assertEquals("00000003" + "010203" + "00", hex(new XdrEncoder().writeVarOpaque(new byte[] {1, 2, 3}).toByteArray()));
        assertEquals("00000005" + "0102030405" + "000000",
                hex(new XdrEncoder().writeVarOpaque(new byte[] {1, 2, 3, 4, 5}).toByteArray()));
    }

    @Test
    void fixedOpaqueDecoderSkipsPaddingBeforeNextItem() {
        XdrDecoder in = new XdrDecoder(hex("aabbcc00 0000002a"));
        assertArrayEquals(new byte[] {(byte) 0xAA, (byte) 0xBB, (byte) 0xCC}, in.readFixedOpaque(3));
        assertEquals(42, in.readInt());
        assertEquals(0, in.remaining());
    }

    @Test
    void uuidSizedFixedOpaqueRoundTrip() {
        byte[] uuid = pattern(16);
        byte[] b = new XdrEncoder().writeFixedOpaque(uuid).writeInt(5).toByteArray();
        assertEquals(20, b.length);
        XdrDecoder in = new XdrDecoder(b);
        assertArrayEquals(uuid, in.readFixedOpaque(16));
        assertEquals(5, in.readInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "ab", "abc", "abcd", "abcde", "storage:///session", "default",
            "héllo wörld", "日本語", "emoji \uD83D\uDE00 here", "tab\tnew\nline", "nul\u0000inside"})
    void stringRoundTrip(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] b = new XdrEncoder().writeString(s).toByteArray();
        assertEquals(4 + (utf8.length + 3) / 4 * 4, b.length);
        XdrDecoder in = new XdrDecoder(b);
        assertEquals(s, in.readString());
        assertEquals(0, in.remaining());
    }

    @Test
    void multiByteUtf8LengthCountsBytes() {
        String s = "日本語"; // 3 chars, 9 bytes
        byte[] b = new XdrEncoder().writeString(s).toByteArray();
        assertEquals(4 + 12, b.length);
        assertEquals(9, new XdrDecoder(b).readInt());
        assertEquals("00000009" + "e697a5e69cace8aa9e" + "000000", hex(b));
    }

    @Test
    void optionalStringRoundTrip() {
        byte[] b = new XdrEncoder().writeOptionalString(null).writeOptionalString("pool").writeOptionalString("")
                .writeOptionalString(null).toByteArray();
        assertEquals(4 + (4 + 4 + 4) + (4 + 4) + 4, b.length);
        XdrDecoder in = new XdrDecoder(b);
        assertNull(in.readOptionalString());
        assertEquals("pool", in.readOptionalString());
        assertEquals("", in.readOptionalString());
        assertNull(in.readOptionalString());
        assertEquals(0, in.remaining());
    }

    // ---------------------------------------------------------------- encoder growth and chaining

    @Test
    void encoderGrowsBeyondInitialCapacity() {
        XdrEncoder out = new XdrEncoder(1);
        for (int i = 0; i < 1000; i++) {
            out.writeInt(i);
        }
        assertEquals(4000, out.length());
        byte[] b = out.toByteArray();
        assertEquals(4000, b.length);
        XdrDecoder in = new XdrDecoder(b);
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, in.readInt());
        }
        assertEquals(0, in.remaining());
    }

    @Test
    void encoderGrowsForLargeOpaque() {
        byte[] big = new byte[100_001];
        big[0] = 1;
        big[100_000] = 2;
        XdrEncoder out = new XdrEncoder(16);
        out.writeInt(9).writeVarOpaque(big);
        assertEquals(4 + 4 + 100_004, out.length());
        XdrDecoder in = new XdrDecoder(out.toByteArray());
        assertEquals(9, in.readInt());
        assertArrayEquals(big, in.readVarOpaque(200_000));
        assertEquals(0, in.remaining());
    }

    @Test
    void encoderMethodsChainOnTheSameInstance() {
        XdrEncoder out = new XdrEncoder();
        assertSame(out, out.writeInt(1));
        assertSame(out, out.writeUnsignedInt(1));
        assertSame(out, out.writeHyper(1));
        assertSame(out, out.writeBool(true));
        assertSame(out, out.writeFixedOpaque(new byte[1]));
        assertSame(out, out.writeVarOpaque(new byte[1]));
        assertSame(out, out.writeString("a"));
        assertSame(out, out.writeOptionalString(null));
        assertSame(out, out.writeOptionalString("a"));
        assertEquals(4 + 4 + 8 + 4 + 4 + 8 + 8 + 4 + 12, out.length());
    }

    @Test
    void toByteArrayIsACopy() {
        XdrEncoder out = new XdrEncoder().writeInt(1);
        byte[] first = out.toByteArray();
        first[3] = 99;
        assertEquals("00000001", hex(out.toByteArray()));
        assertEquals(0, new XdrEncoder().toByteArray().length);
        assertEquals(0, new XdrEncoder().length());
    }

    // ---------------------------------------------------------------- limits

    @Test
    void readStringAboveDeclaredMaxIsRejected() {
        byte[] b = new XdrEncoder().writeString("abcdef").toByteArray();
        XdrException e = assertThrows(XdrException.class, () -> new XdrDecoder(b).readString(5));
        assertEquals("length 6 exceeds maximum 5", e.getMessage());
        assertEquals("abcdef", new XdrDecoder(b).readString(6));
    }

    @Test
    void readStringDefaultMaxIsLibvirtStringMax() {
        assertEquals(4_194_304, XdrDecoder.STRING_MAX);
        // Declared length STRING_MAX + 1 with no data: rejected for the maximum, before any allocation.
        byte[] b = new XdrEncoder().writeInt(XdrDecoder.STRING_MAX + 1).toByteArray();
        XdrException e = assertThrows(XdrException.class, () -> new XdrDecoder(b).readString());
        assertEquals("length 4194305 exceeds maximum 4194304", e.getMessage());
    }

    @Test
    void readStringAtMaxButShortOfDataIsRejectedAsTooShort() {
        byte[] b = new XdrEncoder().writeInt(XdrDecoder.STRING_MAX).toByteArray();
        XdrException e = assertThrows(XdrException.class, () -> new XdrDecoder(b).readString());
        assertEquals("payload too short: need 4194304 bytes, have 0", e.getMessage());
    }

    @Test
    void hugeDeclaredLengthIsRejectedWithoutAllocating() {
        // 0xFFFFFFF0 as a length: way above any max; with max = Integer.MAX_VALUE it passes the max
        // check only if treated as signed, so check both the max path and the short-data path.
        byte[] b = hex("fffffff0 41424344");
        XdrException e = assertThrows(XdrException.class, () -> new XdrDecoder(b).readString(Integer.MAX_VALUE));
        assertEquals("length 4294967280 exceeds maximum 2147483647", e.getMessage());

        byte[] c = hex("7ffffff0 41424344");
        long before = usedHeap();
        XdrException e2 = assertThrows(XdrException.class, () -> new XdrDecoder(c).readString(Integer.MAX_VALUE));
        assertEquals("payload too short: need 2147483632 bytes, have 4", e2.getMessage());
        XdrException e3 = assertThrows(XdrException.class, () -> new XdrDecoder(c).readVarOpaque(Integer.MAX_VALUE));
        assertEquals("payload too short: need 2147483632 bytes, have 4", e3.getMessage());
        // A 2 GiB allocation would either fail outright or show up here.
        assertTrue(usedHeap() - before < 512L * 1024 * 1024, "decoder allocated for a hostile length");
    }

    @Test
    void lengthNearIntMaxDoesNotOverflowPadding() {
        // 0x7FFFFFFF padded to 4 overflows int arithmetic; it must still be rejected as too short.
        byte[] b = hex("7fffffff 41424344");
        assertThrows(XdrException.class, () -> new XdrDecoder(b).readString(Integer.MAX_VALUE));
        assertThrows(XdrException.class, () -> new XdrDecoder(b).readVarOpaque(Integer.MAX_VALUE));
        assertThrows(XdrException.class, () -> new XdrDecoder(new byte[8]).readFixedOpaque(Integer.MAX_VALUE));
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Test
    void lengthLargerThanRemainingBytesIsRejected() {
        // Declares 9 bytes (12 padded) but only 8 follow.
        byte[] b = hex("00000009 0102030405060708");
        XdrException e = assertThrows(XdrException.class, () -> new XdrDecoder(b).readString());
        assertEquals("payload too short: need 12 bytes, have 8", e.getMessage());
        assertThrows(XdrException.class, () -> new XdrDecoder(b).readVarOpaque(100));
    }

    @Test
    void missingPaddingIsRejected() {
        // "abc" with its length but without the padding byte.
        byte[] b = hex("00000003 616263");
        XdrException e = assertThrows(XdrException.class, () -> new XdrDecoder(b).readString());
        assertEquals("payload too short: need 4 bytes, have 3", e.getMessage());
        assertThrows(XdrException.class, () -> new XdrDecoder(hex("616263")).readFixedOpaque(3));
    }

    @Test
    void readLengthChecksMax() {
        assertEquals(10, new XdrDecoder(hex("0000000a")).readLength(10));
        assertEquals(0, new XdrDecoder(hex("00000000")).readLength(0));
        XdrException e = assertThrows(XdrException.class, () -> new XdrDecoder(hex("0000000b")).readLength(10));
        assertEquals("length 11 exceeds maximum 10", e.getMessage());
        XdrException e2 = assertThrows(XdrException.class, () -> new XdrDecoder(hex("00000001")).readLength(0));
        assertEquals("length 1 exceeds maximum 0", e2.getMessage());
        // Lengths are unsigned: 0xFFFFFFFF is 4294967295, not -1.
        XdrException e3 = assertThrows(XdrException.class,
                () -> new XdrDecoder(hex("ffffffff")).readLength(Integer.MAX_VALUE));
        assertEquals("length 4294967295 exceeds maximum 2147483647", e3.getMessage());
        assertEquals(Integer.MAX_VALUE, new XdrDecoder(hex("7fffffff")).readLength(Integer.MAX_VALUE));
    }

    @Test
    void readLengthDoesNotReadPayload() {
        XdrDecoder in = new XdrDecoder(hex("00000005"));
        assertEquals(5, in.readLength(5));
        assertEquals(0, in.remaining());
    }

    @Test
    void varOpaqueAboveMaxIsRejected() {
        byte[] b = new XdrEncoder().writeVarOpaque(new byte[17]).toByteArray();
        XdrException e = assertThrows(XdrException.class, () -> new XdrDecoder(b).readVarOpaque(16));
        assertEquals("length 17 exceeds maximum 16", e.getMessage());
    }

    // ---------------------------------------------------------------- short buffers

    @Test
    void shortBuffersAreRejected() {
        XdrException e = assertThrows(XdrException.class, () -> new XdrDecoder(new byte[3]).readInt());
        assertEquals("payload too short: need 4 bytes, have 3", e.getMessage());
        assertThrows(XdrException.class, () -> new XdrDecoder(new byte[0]).readInt());
        assertThrows(XdrException.class, () -> new XdrDecoder(new byte[0]).readUnsignedInt());
        assertThrows(XdrException.class, () -> new XdrDecoder(new byte[7]).readHyper());
        assertThrows(XdrException.class, () -> new XdrDecoder(new byte[3]).readBool());
        assertThrows(XdrException.class, () -> new XdrDecoder(new byte[0]).readString());
        assertThrows(XdrException.class, () -> new XdrDecoder(new byte[2]).readOptionalString());
        assertThrows(XdrException.class, () -> new XdrDecoder(hex("00000001")).readOptionalString());
        assertThrows(XdrException.class, () -> new XdrDecoder(new byte[4]).readFixedOpaque(5));
        assertThrows(XdrException.class, () -> new XdrDecoder(new byte[3]).readLength(10));
    }

    @Test
    void readingPastTheEndAfterGoodItemsFails() {
        XdrDecoder in = new XdrDecoder(new XdrEncoder().writeInt(1).writeInt(2).toByteArray());
        assertEquals(1, in.readInt());
        assertEquals(2, in.readInt());
        assertEquals(0, in.remaining());
        XdrException e = assertThrows(XdrException.class, in::readInt);
        assertEquals("payload too short: need 4 bytes, have 0", e.getMessage());
    }

    @Test
    void emptyFixedOpaqueFromEmptyBufferIsFine() {
        XdrDecoder in = new XdrDecoder(new byte[0]);
        assertEquals(0, in.readFixedOpaque(0).length);
        assertEquals(0, in.remaining());
    }

    // ---------------------------------------------------------------- windows into a larger array

    @Test
    void decodesWithinAnOffsetWindow() {
        byte[] inner = new XdrEncoder().writeInt(0x01020304).writeString("pool").writeHyper(-5).toByteArray();
        byte[] big = new byte[inner.length + 20];
        java.util.Arrays.fill(big, (byte) 0xEE);
        System.arraycopy(inner, 0, big, 7, inner.length);
        XdrDecoder in = new XdrDecoder(big, 7, inner.length);
        assertEquals(inner.length, in.remaining());
        assertEquals(0x01020304, in.readInt());
        assertEquals("pool", in.readString());
        assertEquals(-5L, in.readHyper());
        assertEquals(0, in.remaining());
    }

    @Test
    void windowEndIsRespectedEvenWhenTheArrayContinues() {
        // The array holds 0xEE bytes after the window; reading past the window must fail, not see them.
        byte[] big = hex("eeeeeeee 00000001 eeeeeeee eeeeeeee");
        XdrDecoder in = new XdrDecoder(big, 4, 4);
        assertEquals(1, in.readInt());
        XdrException e = assertThrows(XdrException.class, in::readInt);
        assertEquals("payload too short: need 4 bytes, have 0", e.getMessage());

        XdrDecoder partial = new XdrDecoder(big, 4, 6);
        assertEquals(1, partial.readInt());
        assertEquals(2, partial.remaining());
        assertThrows(XdrException.class, partial::readInt);
    }

    @Test
    void stringLengthReachingPastWindowIsRejected() {
        // Declares 8 bytes; the whole array has them, the window only 4.
        byte[] big = hex("00000008 41424344 45464748");
        XdrException e = assertThrows(XdrException.class, () -> new XdrDecoder(big, 0, 8).readString());
        assertEquals("payload too short: need 8 bytes, have 4", e.getMessage());
        assertEquals("ABCDEFGH", new XdrDecoder(big, 0, 12).readString());
        assertThrows(XdrException.class, () -> new XdrDecoder(big, 0, 8).readVarOpaque(100));
    }

    @Test
    void hyperSplitAcrossWindowEndIsRejected() {
        byte[] big = hex("00000000 00000001 00000002");
        XdrDecoder in = new XdrDecoder(big, 4, 4);
        assertThrows(XdrException.class, in::readHyper);
        assertEquals(0x1_0000_0002L, new XdrDecoder(big, 4, 8).readHyper());
    }

    @Test
    void emptyWindowAtArrayEnd() {
        byte[] big = new byte[8];
        XdrDecoder in = new XdrDecoder(big, 8, 0);
        assertEquals(0, in.remaining());
        assertThrows(XdrException.class, in::readInt);
    }

    @Test
    void windowOutsideArrayIsRejected() {
        byte[] big = new byte[8];
        assertThrows(IllegalArgumentException.class, () -> new XdrDecoder(big, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> new XdrDecoder(big, -1, 4));
        assertThrows(IllegalArgumentException.class, () -> new XdrDecoder(big, 0, -1));
        assertThrows(IllegalArgumentException.class, () -> new XdrDecoder(big, 9, 0));
    }

    @Test
    void windowWhoseEndOverflowsIntIsRejected() {
        // offset + length wraps to a negative int: must not be taken as a window inside the array.
        byte[] small = new byte[2];
        assertThrows(IllegalArgumentException.class, () -> new XdrDecoder(small, 1, Integer.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> new XdrDecoder(small, Integer.MAX_VALUE, 2));
    }
}
