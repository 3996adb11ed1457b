package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gluster pool whose volfile server accepts the connection and never answers: libgfapi's glfs_init then never
 * returns (as against a volume without server.allow-insecure, where libvirtd 9.0 hangs for good holding the
 * pool). Ours must fail the start within its connect timeout (20 s) with libvirt's connect error and the
 * errno ETIMEDOUT, answer other calls and pools all the while, and leave the pool usable. Real libgfapi
 * (Debian libgfapi0), a real TCP listener of the test's; no gluster server is needed.
 */
class GlusterHangIT {
    @TempDir
    Path home;

    @Test
    void glfsInitThatNeverReturnsTimesOutAndTheDaemonKeepsAnswering() throws Exception {
        assertTrue(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libgfapi.so.0")),
                "libgfapi.so.0 is missing: install the Debian package libgfapi0 (apt-get install -y libgfapi0)");
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dirPool = Files.createDirectories(home.resolve("dirpool"));
        Files.setPosixFilePermissions(dirPool, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<Socket> held = Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                DaemonProcess ours = DaemonProcess.asUser(home.resolve("d"), "nobody")) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());   // read nothing, answer nothing
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ours.start();
            Virsh virsh = ours.virsh();
            int port = silent.getLocalPort();
            Path xml = Files.writeString(home.resolve("silent.xml"), "<pool type='gluster'><name>silent</name><source>"
                    + "<host name='127.0.0.1' port='" + port + "'/><name>gv0</name></source></pool>");
            ok(virsh.run("pool-define", xml.toString()));
            ok(virsh.run("pool-define-as", "local", "dir", "--target", dirPool.toString()));
            ok(virsh.run("pool-start", "local"));

            long t0 = System.nanoTime();
            CompletableFuture<CommandResult> start = CompletableFuture.supplyAsync(() -> {
                try {
                    return virsh.run("pool-start", "silent");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // while glfs_init hangs: the daemon, another pool, the hung pool's own read-only calls all answer
            Thread.sleep(3000);
            assertTrue(!start.isDone(), "pool-start returned before the server could have answered: "
                    + (start.isDone() ? start.get() : ""));
            for (int i = 0; i < 5; i++) {
                long c0 = System.nanoTime();
                ok(virsh.run("pool-refresh", "local"));
                ok(virsh.run("pool-list", "--all"));
                ok(virsh.run("vol-create-as", "local", "v" + i, "1M"));
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c0);
                assertTrue(ms < 5000, "calls took " + ms + " ms while a gluster pool hung");
                Thread.sleep(1000);
            }
            CommandResult r = start.get(40, TimeUnit.SECONDS);
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.stderr().contains("error: failed to connect to gluster://127.0.0.1:" + port
                    + "/gv0/: Connection timed out"), r::toString);
            assertTrue(seconds >= 19 && seconds <= 30, "pool-start failed after " + seconds + " s, not ~20 s");
            // the pool is not held: it answers, and can be undefined
            CommandResult info = virsh.run("pool-info", "silent");
            ok(info);
            assertTrue(info.stdout().matches("(?s).*State:\\s+inactive.*"), info::toString);
            ok(virsh.run("pool-undefine", "silent"));
            ok(virsh.run("vol-list", "local"));
        } finally {
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    private static void ok(CommandResult r) {
        assertEquals(0, r.exitCode(), r::toString);
    }
}
