package org.virtstoraged.dispatch.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.dispatch.StreamPackets;
import org.virtstoraged.os.Fallocate;
import org.virtstoraged.os.Fd;
import org.virtstoraged.rpc.wire.MessageStatus;
import org.virtstoraged.rpc.wire.MessageType;
import org.virtstoraged.storage.backend.ExtentMap;
import org.virtstoraged.storage.backend.VolumeStreamFile;
import org.virtstoraged.storage.backend.local.Filefrag;

/** A sparse download driven by the file's data map: holes are sent without reading, data as it is. */
class SparseDownloadMapTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    /** What the client rebuilds from the packets, and how many bytes came as holes. */
    record Received(byte[] bytes, long holeBytes, int holePackets) {
    }

    private static Received download(VolumeStreamFile file, int chunk) throws Exception {
        StreamFlowControlTest.FakeTransport transport = new StreamFlowControlTest.FakeTransport();
        StreamPackets registry = new StreamPackets();
        DownloadStream stream = new DownloadStream(registry, transport, 209, 5, file, chunk);
        registry.register(209, 5, stream);
        stream.onReplySent();
        StreamFlowControlTest.await(() -> !transport.sent.isEmpty()
                && transport.sent.get(transport.sent.size() - 1).length == StreamFrames.PAYLOAD, "end of data");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long holes = 0;
        int holePackets = 0;
        for (byte[] frame : transport.sent) {
            assertEquals(MessageStatus.CONTINUE, StreamFlowControlTest.status(frame));
            if (StreamFlowControlTest.type(frame) == MessageType.STREAM_HOLE) {
                long length = ((long) StreamFrames.getInt(frame, StreamFrames.PAYLOAD) << 32)
                        | (StreamFrames.getInt(frame, StreamFrames.PAYLOAD + 4) & 0xffffffffL);
                out.write(new byte[(int) length]);
                holes += length;
                holePackets++;
            } else {
                assertEquals(MessageType.STREAM, StreamFlowControlTest.type(frame));
                out.write(frame, StreamFrames.PAYLOAD, frame.length - StreamFrames.PAYLOAD);
            }
        }
        return new Received(out.toByteArray(), holes, holePackets);
    }

    private static VolumeStreamFile open(Path file, long offset, long length, Optional<ExtentMap> map) {
        return VolumeStreamFile.open(file.toString(), offset, length, true, false, -1).withDataMap(() -> map);
    }

    @Test
    void mapHolesAreSentWithoutLookingAtTheBytes() throws Exception {
        byte[] content = new byte[8 * MIB];
        new Random(3).nextBytes(content);
        Path file = dir.resolve("vol");
        java.nio.file.Files.write(file, content);
        // the map is the authority: a "hole" of non-zero bytes goes out as a hole, zeros in data as data
        ExtentMap map = ExtentMap.of(8 * MIB, List.of(new ExtentMap.Range(MIB, 3 * MIB),
                new ExtentMap.Range(5 * MIB, 5 * MIB + 100)));
        byte[] expected = new byte[8 * MIB];
        System.arraycopy(content, MIB, expected, MIB, 2 * MIB);
        System.arraycopy(content, 5 * MIB, expected, 5 * MIB, 100);
        Received r = download(open(file, 0, 0, Optional.of(map)), 256 * 1024);
        assertArrayEquals(expected, r.bytes());
        assertEquals(3, r.holePackets());
        assertEquals(8L * MIB - 2 * MIB - 100, r.holeBytes());

        // a window that starts and ends inside data and holes
        Received w = download(open(file, MIB + 7, 4 * MIB + 50, Optional.of(map)), 256 * 1024);
        assertArrayEquals(Arrays.copyOfRange(expected, MIB + 7, 5 * MIB + 57), w.bytes());
        Received w2 = download(open(file, 3 * MIB + 1, 1000, Optional.of(map)), 256 * 1024);
        assertArrayEquals(new byte[1000], w2.bytes());
        assertEquals(1, w2.holePackets());
    }

    @Test
    void fileGrownSinceMappingIsScannedPastTheMap() throws Exception {
        byte[] content = new byte[3 * MIB];
        new Random(4).nextBytes(content);
        Arrays.fill(content, 2 * MIB, 2 * MIB + 65536, (byte) 0);
        Path file = dir.resolve("grown");
        java.nio.file.Files.write(file, content);
        ExtentMap map = ExtentMap.of(MIB, List.of(new ExtentMap.Range(0, 4096)));
        byte[] expected = content.clone();
        Arrays.fill(expected, 4096, MIB, (byte) 0);
        Received r = download(open(file, 0, 0, Optional.of(map)), 256 * 1024);
        assertArrayEquals(expected, r.bytes());
        assertEquals(2, r.holePackets());
    }

    @Test
    void realFilefragMapMatchesTheFileJustWritten() throws Exception {
        Path file = dir.resolve("fresh");
        byte[] expected = new byte[16 * MIB];
        Random random = new Random(5);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(16 * MIB);
            // fallocated range (unwritten extents) with data written into it, never synced
            try (Fd fd = Fd.open(file, Fd.O_WRONLY)) {
                Fallocate.allocate(fd, Fallocate.ALLOCATE, 4 * MIB, 4 * MIB);
            }
            for (long at : new long[] {0, 5 * MIB + 123, 9 * MIB, 16 * MIB - 10}) {
                byte[] chunk = new byte[(int) Math.min(70000, 16 * MIB - at)];
                random.nextBytes(chunk);
                raf.seek(at);
                raf.write(chunk);
                System.arraycopy(chunk, 0, expected, (int) at, chunk.length);
            }
        }
        AtomicInteger runs = new AtomicInteger();
        VolumeStreamFile f = VolumeStreamFile.open(file.toString(), 0, 0, true, false, -1)
                .withDataMap(() -> {
                    runs.incrementAndGet();
                    return Filefrag.map(file.toString());
                });
        Received r = download(f, 256 * 1024);
        assertArrayEquals(expected, r.bytes());
        assertEquals(1, runs.get());
        if (Filefrag.map(file.toString()).isPresent()) {
            // everything but the written blocks travelled as holes, the fallocated range included
            assertEquals(true, r.holeBytes() >= 16L * MIB - 4 * 80 * 1024, "hole bytes " + r.holeBytes());
        }
    }
}
