package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * vol-upload and vol-download through the real virsh against our daemon: libvirt's stream protocol, dense
 * and sparse, with offset/length windows, the refusals libvirtd 9.0 gives (recorded in
 * src/test/resources/e2e/libvirtd-9.0/vol_*), and a client killed in the middle of an upload or a download.
 */
class VolumeStreamIT {
    static final long MIB = 1024 * 1024;
    static Path home;
    static Path base;
    static DaemonProcess daemon;
    static Virsh virsh;

    @BeforeAll
    static void start() throws Exception {
        HostTools.virsh();
        HostTools.require("cmp", "diffutils");
        home = Files.createTempDirectory("vstream-home");
        base = Files.createTempDirectory("vstream-base");
        daemon = new DaemonProcess(home).start();
        virsh = daemon.virsh();
        ok(virsh.run("pool-create-as", "sp", "dir", "--target", Files.createDirectory(base.resolve("pool")).toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        VirshScenarioIT.deleteTree(base);
        VirshScenarioIT.deleteTree(home);
    }

    static CommandResult ok(CommandResult r) throws IOException {
        assertEquals(0, r.exitCode(), () -> r + "\ndaemon log:\n" + log());
        return r;
    }

    static String log() {
        try {
            return daemon.log();
        } catch (IOException e) {
            return e.toString();
        }
    }

    static Path volume(String name) {
        return base.resolve("pool").resolve(name);
    }

    /** 64 MiB of random bytes followed by 16 MiB of zeros (a hole: the file is sparse). */
    static Path sourceImage() throws IOException {
        Path file = base.resolve("source.img");
        if (!Files.exists(file)) {
            Random random = new Random(42);
            byte[] chunk = new byte[(int) MIB];
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                for (int i = 0; i < 64; i++) {
                    random.nextBytes(chunk);
                    raf.write(chunk);
                }
                raf.setLength(80 * MIB);
            }
        }
        return file;
    }

    static void assertSameContent(Path expected, Path actual) throws Exception {
        CommandResult r = Commands.run(List.of("cmp", expected.toString(), actual.toString()), Map.of(), null, 60);
        assertEquals(0, r.exitCode(), () -> "contents differ: " + r);
    }

    /** st_blocks * 512, what du --block-size=1 reports. */
    static long allocated(Path file) throws Exception {
        CommandResult r = Commands.run(List.of("stat", "-c", "%b", file.toString()), Map.of(), null, 10);
        return Long.parseLong(r.stdout().trim()) * 512;
    }

    @Test
    void denseUploadAndDownloadRoundTrip() throws Exception {
        Path source = sourceImage();
        ok(virsh.run("vol-create-as", "sp", "dense.img", "80M", "--allocation", "0"));
        CommandResult up = ok(virsh.run("vol-upload", "--pool", "sp", "dense.img", source.toString()));
        assertEquals("\n", up.stdout());
        assertEquals("", up.stderr());
        assertSameContent(source, volume("dense.img"));
        Path out = base.resolve("dense.out");
        CommandResult down = ok(virsh.run("vol-download", "--pool", "sp", "dense.img", out.toString()));
        assertEquals("\n", down.stdout());
        assertSameContent(source, out);
    }

    @Test
    void sparseUploadAndDownloadKeepHoles() throws Exception {
        Path source = sourceImage();
        ok(virsh.run("vol-create-as", "sp", "sparse.img", "80M", "--allocation", "0"));
        ok(virsh.run("vol-upload", "--sparse", "--pool", "sp", "sparse.img", source.toString()));
        assertSameContent(source, volume("sparse.img"));
        assertEquals(80 * MIB, Files.size(volume("sparse.img")));
        assertTrue(allocated(volume("sparse.img")) < 70 * MIB, "the uploaded hole was written as data");
        Path out = base.resolve("sparse.out");
        ok(virsh.run("vol-download", "--sparse", "--pool", "sp", "sparse.img", out.toString()));
        assertSameContent(source, out);
        assertEquals(80 * MIB, Files.size(out));
        long blocks = allocated(out);
        assertTrue(blocks < 70 * MIB, "the downloaded file lost its holes: " + blocks + " bytes allocated");
    }

    @Test
    void offsetAndLengthWindows() throws Exception {
        ok(virsh.run("vol-create-as", "sp", "window.img", "8M", "--allocation", "0"));
        byte[] piece = new byte[(int) MIB];
        new Random(7).nextBytes(piece);
        Path pieceFile = base.resolve("piece.bin");
        Files.write(pieceFile, piece);
        ok(virsh.run("vol-upload", "--pool", "sp", "window.img", pieceFile.toString(), "--offset", "3145728",
                "--length", "1048576"));
        byte[] all = Files.readAllBytes(volume("window.img"));
        assertEquals(8 * MIB, all.length);
        assertArrayEquals(piece, Arrays.copyOfRange(all, (int) (3 * MIB), (int) (4 * MIB)));
        assertTrue(isZero(all, 0, (int) (3 * MIB)) && isZero(all, (int) (4 * MIB), all.length));
        // a window that starts inside the piece and runs past it
        Path out = base.resolve("window.out");
        ok(virsh.run("vol-download", "--pool", "sp", "window.img", out.toString(), "--offset", "3670016",
                "--length", "1048576"));
        assertArrayEquals(Arrays.copyOfRange(all, 3670016, 3670016 + (int) MIB), Files.readAllBytes(out));
        ok(virsh.run("vol-download", "--sparse", "--pool", "sp", "window.img", out.toString(), "--offset",
                "2097152", "--length", "3145728"));
        assertArrayEquals(Arrays.copyOfRange(all, (int) (2 * MIB), (int) (5 * MIB)), Files.readAllBytes(out));
        // a download window beyond the end of the file is empty
        ok(virsh.run("vol-download", "--pool", "sp", "window.img", out.toString(), "--offset", "104857600"));
        assertEquals(0, Files.size(out));
    }

    static boolean isZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The same commands as recorded against libvirtd 9.0 (see the README there), compared byte for byte. */
    @Test
    void refusalsAndGrowthAsLibvirtd() throws Exception {
        Path big = base.resolve("big2m");
        byte[] data = new byte[(int) (2 * MIB)];
        new Random(3).nextBytes(data);
        Files.write(big, data);
        Path dl = base.resolve("dl.out");
        ok(virsh.run("vol-create-as", "sp", "small", "1M"));
        same("vol_upload_beyond_length", virsh.run("vol-upload", "--pool", "sp", "small", big.toString(), "--length",
                "1048576"));
        same("vol_upload_beyond_length_info", virsh.run("vol-info", "--pool", "sp", "small"));
        ok(virsh.run("vol-create-as", "sp", "small2", "1M"));
        same("vol_upload_larger_than_volume", virsh.run("vol-upload", "--pool", "sp", "small2", big.toString()));
        same("vol_upload_larger_than_volume_info", virsh.run("vol-info", "--pool", "sp", "small2"));
        same("vol_download_ok", virsh.run("vol-download", "--pool", "sp", "small2", dl.toString()));
        assertArrayEquals(data, Files.readAllBytes(dl));
        same("vol_upload_flags_window", virsh.run("vol-upload", "--pool", "sp", "small2", big.toString(), "--offset",
                "3145728", "--length", "4096"));
        same("vol_upload_window_info", virsh.run("vol-info", "--pool", "sp", "small2"));
    }

    static void same(String recorded, CommandResult actual) throws IOException {
        CommandResult expected = Reference.of(recorded, daemon.socket().toString());
        assertEquals(expected.stdout(), actual.stdout(), recorded + " stdout");
        assertEquals(expected.stderr(), actual.stderr(), recorded + " stderr");
        assertEquals(expected.exitCode(), actual.exitCode(), recorded + " exit");
    }

    @Test
    void clientKilledMidUpload() throws Exception {
        // 2 GiB of holes reads fast on the client side, so the upload runs at socket speed
        Path huge = base.resolve("huge.img");
        try (RandomAccessFile raf = new RandomAccessFile(huge.toFile(), "rw")) {
            raf.setLength(2048 * MIB);
        }
        ok(virsh.run("vol-create-as", "sp", "victim.img", "16M", "--allocation", "0"));
        Process upload = new ProcessBuilder(HostTools.virsh(), "-c", daemon.uri(), "vol-upload", "--pool", "sp",
                "victim.img", huge.toString()).redirectErrorStream(true).redirectOutput(base.resolve("kill.log").toFile())
                .start();
        // wait until data flows: the volume grows
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Files.size(volume("victim.img")) <= 16 * MIB && upload.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // another client is served while the upload runs
        long t0 = System.nanoTime();
        ok(virsh.run("pool-list", "--all"));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "another client waited for the upload");
        boolean killedMidway = upload.isAlive();
        upload.destroyForcibly();
        upload.waitFor(10, TimeUnit.SECONDS);
        Thread.sleep(300);
        assertTrue(daemon.process().isAlive(), "the daemon died:\n" + log());
        // the volume is usable again: read it, upload to it, delete it
        ok(virsh.run("vol-info", "--pool", "sp", "victim.img"));
        Path small = base.resolve("small.bin");
        Files.write(small, new byte[4096]);
        ok(virsh.run("vol-upload", "--pool", "sp", "victim.img", small.toString()));
        ok(virsh.run("vol-delete", "--pool", "sp", "victim.img"));
        assertTrue(killedMidway || Files.size(huge) > 0);
    }

    @Test
    void clientKilledMidDownload() throws Exception {
        // a random 64 MiB volume, so that the download is data all the way
        byte[] content = new byte[(int) (64 * MIB)];
        new Random(3).nextBytes(content);
        Path source = base.resolve("source.bin");
        Files.write(source, content);
        ok(virsh.run("vol-create-as", "sp", "reader.img", "64M", "--allocation", "0"));
        ok(virsh.run("vol-upload", "--pool", "sp", "reader.img", source.toString()));
        // the client writes into a pipe that is held open and never read: it stalls after the pipe's 64 KiB,
        // and the daemon's frames pile up in the socket and its send queue
        Path fifo = base.resolve("stuck.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Process holder = new ProcessBuilder("sh", "-c", "exec sleep 600 < '" + fifo + "'").start();
        Process download = new ProcessBuilder(HostTools.virsh(), "-c", daemon.uri(), "vol-download", "--pool", "sp",
                "reader.img", fifo.toString()).redirectErrorStream(true)
                .redirectOutput(base.resolve("download-kill.log").toFile()).start();
        try {
            Thread.sleep(1500);
            assertTrue(download.isAlive(), "the stalled download ended by itself");
            // another client is served while the download is stuck
            long t0 = System.nanoTime();
            ok(virsh.run("pool-list", "--all"));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "another client waited for the download");
            download.destroyForcibly();
            download.waitFor(10, TimeUnit.SECONDS);
        } finally {
            holder.destroyForcibly();
        }
        Thread.sleep(300);
        assertTrue(daemon.process().isAlive(), "the daemon died:\n" + log());
        // the next downloads of the same volume are whole and right
        for (int i = 0; i < 2; i++) {
            Path copy = base.resolve("copy-" + i + ".bin");
            ok(virsh.run("vol-download", "--pool", "sp", "reader.img", copy.toString()));
            assertEquals(-1L, Files.mismatch(source, copy), "download after a killed one differs");
        }
        ok(virsh.run("vol-delete", "--pool", "sp", "reader.img"));
    }
}
