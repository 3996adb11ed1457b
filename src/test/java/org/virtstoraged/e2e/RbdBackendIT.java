package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rbd backend against a real single-node Ceph cluster ({@link CephCluster}, cephx on): our session daemon
 * gets the client.admin key from libvirt 9.0's virtsecretd (both as nobody, as an unprivileged user runs
 * them), and the real virsh drives it. What the daemon says is checked against libvirt's texts, what it did
 * against the cluster itself (rbd CLI), and its connections on the monitor (admin socket): one per active
 * pool, replaced after a timeout, gone after pool-destroy. RbdTranscriptIT compares with libvirtd 9.0.
 */
class RbdBackendIT {
    static final String SECRET = "5b1c0e4a-7d4e-4c1e-9a7e-00000000ceff";
    /** Both daemons run as nobody: a root virtsecretd would be privileged and ignore the session directories. */
    static final String USER = "nobody";

    @TempDir
    static Path home;
    static CephCluster cluster;
    static DaemonProcess daemon;
    static SecretDaemonProcess secrets;

    @BeforeAll
    static void clusterDaemonAndSecret() throws Exception {
        HostTools.virsh();
        if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/librados.so.2"))
                || !Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/librbd.so.1"))) {
            throw new AssertionError("librados.so.2 or librbd.so.1 is missing: install the Debian packages "
                    + "librados2 and librbd1");
        }
        cluster = CephCluster.start(home.resolve("ceph"));
        // the daemons must reach their home through the temporary directory
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        daemon = DaemonProcess.asUser(home.resolve("d"), USER);
        Files.createDirectories(daemon.configDir().resolve("libvirt"));
        Files.writeString(daemon.configDir().resolve("libvirt/virtstoraged.conf"), "log_level = 1\n"
                + "log_filters = \"1:*\"\nlog_outputs = \"1:file:" + home.resolve("d/debug.log") + "\"\n");
        daemon.start();
        SecretDaemonProcess secretDaemon = SecretDaemonProcess.virtsecretd(home.resolve("d"), USER);
        secrets = secretDaemon;
        secretDaemon.start();
        // the secret holds the raw key; libvirt hands librados its base64 form
        secrets.define(SECRET, true, "<usage type='ceph'><name>client.admin key</name></usage>",
                Base64.getDecoder().decode(cluster.adminKey()));
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            if (daemon != null) {
                daemon.close();
            }
            if (secrets != null) {
                secrets.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    static String poolXml(String name, String radosPool, String secretUuid) {
        return "<pool type='rbd'>\n  <name>" + name + "</name>\n  <source>\n"
                + "    <host name='127.0.0.1' port='" + cluster.port() + "'/>\n"
                + "    <name>" + radosPool + "</name>\n"
                + "    <auth type='ceph' username='admin'>\n      <secret uuid='" + secretUuid + "'/>\n    </auth>\n"
                + "  </source>\n</pool>\n";
    }

    static CommandResult virsh(String... args) throws Exception {
        return daemon.virsh().run(args);
    }

    static String ok(CommandResult r) throws Exception {
        String log = tail(daemon);
        assertEquals(0, r.exitCode(), () -> r + "\ndaemon log:\n" + log);
        return r.stdout();
    }

    static void fails(String expectedError, CommandResult r) throws Exception {
        assertNotEquals(0, r.exitCode(), r::toString);
        assertTrue(r.stderr().contains(expectedError), () -> "expected '" + expectedError + "' in\n" + r);
    }

    static String tail(DaemonProcess d) throws Exception {
        String log = d.log();
        return log.substring(Math.max(0, log.length() - 4000));
    }

    /** rbd -c CONF ARGS, as root with the admin keyring ceph.conf names. */
    static CommandResult rbd(String... args) throws Exception {
        return cluster.rbd(args);
    }

    static List<String> images() throws Exception {
        CommandResult r = rbd("ls", "--format", "json", "rbdpool");
        assertEquals(0, r.exitCode(), r::toString);
        return new JsonArray(r.stdout()).stream().map(Object::toString).toList();
    }

    static JsonObject image(String name) throws Exception {
        CommandResult r = rbd("info", "--format", "json", "rbdpool/" + name);
        assertEquals(0, r.exitCode(), r::toString);
        return new JsonObject(r.stdout());
    }

    /** The monitor's sessions of clients (not of the OSD or mgr), through its admin socket. */
    static long clientSessions() throws Exception {
        return clientSessionNames().size();
    }

    /** Their global ids: a new connection has a new one. */
    static List<String> clientSessionNames() throws Exception {
        CommandResult r = Commands.run(List.of("ceph", "--admin-daemon",
                home.resolve("ceph/run/mon.a.asok").toString(), "sessions"), Map.of(), null, 30);
        assertEquals(0, r.exitCode(), r::toString);
        return new JsonArray(r.stdout()).stream().map(JsonObject.class::cast)
                .filter(s -> s.getString("entity_name", "").startsWith("client.")).map(s -> String.valueOf(s.getValue("global_id")))
                .sorted().toList();
    }

    static Path file(String name, String content) throws Exception {
        return Files.writeString(home.resolve(name), content);
    }

    // ---- scenarios ------------------------------------------------------------------------------------

    @Test
    void poolAndVolumeLifecycleOnTheCluster() throws Exception {
        String xml = poolXml("ceph", "rbdpool", SECRET);
        ok(virsh("pool-define", file("ceph.xml", xml).toString()));
        ok(virsh("pool-start", "ceph"));
        try {
            String info = ok(virsh("pool-info", "ceph", "--bytes"));
            assertTrue(info.contains("State:          running"), info);
            long capacity = Long.parseLong(info.replaceAll("(?s).*Capacity:\\s+(\\d+).*", "$1"));
            assertTrue(capacity > 1L << 30, "the cluster's size (4 GiB of memstore): " + info);

            String dumped = ok(virsh("pool-dumpxml", "ceph"));
            assertTrue(dumped.contains("<source>\n    <host name='127.0.0.1' port='" + cluster.port() + "'/>\n"
                    + "    <name>rbdpool</name>\n    <auth type='ceph' username='admin'>\n      <secret uuid='" + SECRET
                    + "'/>\n    </auth>\n  </source>"), dumped);

            // create: a format 2 image of the size asked
            ok(virsh("vol-create-as", "ceph", "vm1", "64M"));
            assertTrue(images().contains("vm1"));
            assertEquals(64L << 20, image("vm1").getLong("size"));
            assertEquals(2, image("vm1").getInteger("format"));
            assertEquals("<volume type='network'>\n  <name>vm1</name>\n  <key>rbdpool/vm1</key>\n"
                    + "  <capacity unit='bytes'>67108864</capacity>\n  <allocation unit='bytes'>67108864</allocation>\n"
                    + "  <target>\n    <path>rbdpool/vm1</path>\n    <format type='raw'/>\n  </target>\n</volume>\n\n",
                    ok(virsh("vol-dumpxml", "vm1", "--pool", "ceph")));
            String volInfo = ok(virsh("vol-info", "vm1", "--pool", "ceph"));
            assertTrue(volInfo.contains("Type:           network") && volInfo.contains("Capacity:       64.00 MiB"),
                    volInfo);
            assertEquals("rbdpool/vm1", ok(virsh("vol-path", "vm1", "--pool", "ceph")).strip());

            // libvirt's refusals
            fails("error: this function is not supported by the connection driver: volume capacity required for this "
                    + "storage pool", virsh("vol-create-as", "ceph", "empty", "0"));
            fails("error: unsupported configuration: only RAW volumes are supported by this storage pool",
                    virsh("vol-create-as", "ceph", "q", "1M", "--format", "qcow2"));
            fails("error: unsupported flags (0x1) in function virStorageBackendRBDBuildVol",
                    virsh("vol-create-as", "ceph", "m", "1M", "--prealloc-metadata"));
            assertFalse(images().contains("q") || images().contains("m") || images().contains("empty"));

            // resize: grow only, without flags
            ok(virsh("vol-resize", "vm1", "128M", "--pool", "ceph"));
            assertEquals(128L << 20, image("vm1").getLong("size"));
            fails("error: unsupported flags (0x4) in function virStorageBackendRBDResizeVol",
                    virsh("vol-resize", "vm1", "100M", "--pool", "ceph", "--shrink"));
            fails("error: unsupported flags (0x1) in function virStorageBackendRBDResizeVol",
                    virsh("vol-resize", "vm1", "256M", "--pool", "ceph", "--allocate"));
            assertEquals(128L << 20, image("vm1").getLong("size"));

            // an image made behind our back shows up at the next refresh
            byte[] data = new byte[8 << 20];
            java.util.Arrays.fill(data, (byte) 0xab);
            Path content = Files.write(home.resolve("outside.img"), data);
            assertEquals(0, rbd("import", content.toString(), "rbdpool/outside").exitCode());
            ok(virsh("pool-refresh", "ceph"));
            assertTrue(ok(virsh("vol-list", "ceph")).contains("rbdpool/outside"));
            assertTrue(ok(virsh("vol-info", "outside", "--pool", "ceph", "--bytes")).contains("Capacity:       8388608 bytes"));

            // wipe: zero and trim; other algorithms are refused
            ok(virsh("vol-wipe", "outside", "--pool", "ceph"));
            Path exported = home.resolve("outside.wiped");
            assertEquals(0, rbd("export", "rbdpool/outside", exported.toString()).exitCode());
            assertTrue(java.util.Arrays.equals(new byte[8 << 20], Files.readAllBytes(exported)), "not zeroed");
            ok(virsh("vol-wipe", "outside", "--pool", "ceph", "--algorithm", "trim"));
            fails("error: invalid argument: unsupported algorithm 1",
                    virsh("vol-wipe", "outside", "--pool", "ceph", "--algorithm", "nnsa"));

            // clone: a protected snapshot of the original is the clone's parent
            ok(virsh("vol-clone", "vm1", "vm2", "--pool", "ceph"));
            JsonObject parent = image("vm2").getJsonObject("parent");
            assertEquals("vm1", parent.getString("image"));
            assertTrue(parent.getString("snapshot").matches("libvirt-\\d+"), parent::encode);
            String snapshot = parent.getString("snapshot");
            // a source changed since that snapshot gets a new one (libvirt 9.0 fails the clone there)
            assertEquals(0, rbd("bench", "--io-type", "write", "--io-size", "4M", "--io-total", "4M", "rbdpool/vm1")
                    .exitCode());
            ok(virsh("vol-clone", "vm1", "vm3", "--pool", "ceph"));
            String newer = image("vm3").getJsonObject("parent").getString("snapshot");
            assertTrue(newer.matches("libvirt-\\d+") && !newer.equals(snapshot), newer);
            ok(virsh("vol-delete", "vm3", "--pool", "ceph"));

            // delete: snapshots block it unless asked for; a protected snapshot with a clone cannot go
            fails("error: failed to remove volume 'rbdpool/vm1': Directory not empty",
                    virsh("vol-delete", "vm1", "--pool", "ceph"));
            fails("error: failed to unprotect snapshot 'rbdpool/vm1@" + snapshot + "': Device or resource busy",
                    virsh("vol-delete", "vm1", "--pool", "ceph", "--delete-snapshots"));
            ok(virsh("vol-delete", "vm2", "--pool", "ceph"));
            ok(virsh("vol-delete", "vm1", "--pool", "ceph", "--delete-snapshots"));
            assertFalse(images().contains("vm1") || images().contains("vm2"), images()::toString);
            // an image already gone is no error
            assertEquals(0, rbd("rm", "rbdpool/outside").exitCode());
            ok(virsh("vol-delete", "outside", "--pool", "ceph"));
            assertEquals(List.of(), images());
            assertFalse(ok(virsh("vol-list", "ceph")).contains("rbdpool/"));

            // all of that went through one cluster connection, which pool-destroy closes
            assertEquals(1, clientSessions(), "client sessions on the monitor while the pool is active");
            ok(virsh("pool-destroy", "ceph"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (clientSessions() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(0, clientSessions(), "client sessions on the monitor after pool-destroy");
        } finally {
            virsh("pool-destroy", "ceph");
            virsh("pool-undefine", "ceph");
        }
    }

    @Test
    void aMissingRadosPoolOrSecretFailsTheStartWithLibvirtsMessages() throws Exception {
        ok(virsh("pool-define", file("nopool.xml", poolXml("nopool", "nope", SECRET)).toString()));
        ok(virsh("pool-define", file("nosecret.xml",
                poolXml("nosecret", "rbdpool", "5b1c0e4a-7d4e-4c1e-9a7e-0000000000aa")).toString()));
        try {
            fails("error: failed to create the RBD IoCTX. Does the pool 'nope' exist?: No such file or directory",
                    virsh("pool-start", "nopool"));
            fails("error: Secret not found: no secret with matching uuid '5b1c0e4a-7d4e-4c1e-9a7e-0000000000aa'",
                    virsh("pool-start", "nosecret"));
            assertTrue(ok(virsh("pool-list", "--inactive", "--name")).contains("nopool"));
        } finally {
            virsh("pool-undefine", "nopool");
            virsh("pool-undefine", "nosecret");
        }
    }

    /**
     * A call that times out (the OSD stopped, 3 s OSD timeout from config_opts) retires the pool's connection;
     * the pool stays active and the next call, once the OSD is back, connects anew.
     */
    @Test
    void aTimedOutConnectionIsReplacedByTheNextCall() throws Exception {
        String xml = poolXml("flaky", "rbdpool", SECRET)
                .replace("<pool type='rbd'>", "<pool type='rbd' xmlns:rbd='http://libvirt.org/schemas/storagepool/rbd/1.0'>")
                .replace("</pool>", "  <rbd:config_opts>\n    <rbd:option name='rados_osd_op_timeout' value='3'/>\n"
                        + "  </rbd:config_opts>\n</pool>");
        ok(virsh("pool-define", file("flaky.xml", xml).toString()));
        String osd = Files.readString(home.resolve("ceph/run/osd.0.pid")).strip();
        try {
            ok(virsh("pool-start", "flaky"));
            ok(virsh("vol-create-as", "flaky", "f1", "4M"));
            List<String> before = clientSessionNames();
            assertEquals(1, before.size(), before::toString);
            assertEquals(0, Commands.run(List.of("kill", "-STOP", osd), Map.of(), null, 10).exitCode());
            try {
                fails("error: failed to open the RBD image 'f1': Connection timed out",
                        virsh("vol-info", "f1", "--pool", "flaky"));
            } finally {
                assertEquals(0, Commands.run(List.of("kill", "-CONT", osd), Map.of(), null, 10).exitCode());
            }
            assertTrue(ok(virsh("pool-info", "flaky")).contains("running"));
            assertTrue(ok(virsh("vol-info", "f1", "--pool", "flaky")).contains("Capacity:       4.00 MiB"));
            List<String> after = clientSessionNames();
            assertEquals(1, after.size(), after::toString);
            assertNotEquals(before, after, "still the connection that timed out");
            ok(virsh("vol-delete", "f1", "--pool", "flaky"));
        } finally {
            Commands.run(List.of("kill", "-CONT", osd), Map.of(), null, 10);
            virsh("pool-destroy", "flaky");
            virsh("pool-undefine", "flaky");
        }
    }

    /** The debug log shows every RADOS setting but the cephx key, as libvirt's debug log does. */
    @Test
    void theKeyIsInNoLogLine() throws Exception {
        ok(virsh("pool-define", file("logged.xml", poolXml("logged", "rbdpool", SECRET)).toString()));
        try {
            ok(virsh("pool-start", "logged"));
            ok(virsh("pool-destroy", "logged"));
        } finally {
            virsh("pool-undefine", "logged");
        }
        String log = Files.readString(home.resolve("d/debug.log"));
        assertTrue(log.contains("Setting RADOS option mon_host=127.0.0.1:" + cluster.port() + ","), log);
        assertTrue(log.contains("Setting RADOS option key=<hidden>"), log);
        assertFalse(log.contains(cluster.adminKey()), "the cephx key is in the debug log");
        assertFalse(daemon.log().contains(cluster.adminKey()), "the cephx key is in the daemon's output");
    }

    /** libvirt's config_opts reach librados: a mount timeout of 1 s makes an unreachable monitor fail fast. */
    @Test
    void configOptionsApplyAndAnUnreachableMonitorIsReported() throws Exception {
        String xml = "<pool type='rbd' xmlns:rbd='http://libvirt.org/schemas/storagepool/rbd/1.0'>\n"
                + "  <name>down</name>\n  <source>\n    <host name='127.0.0.1' port='1'/>\n    <name>rbdpool</name>\n"
                + "  </source>\n  <rbd:config_opts>\n    <rbd:option name='client_mount_timeout' value='1'/>\n"
                + "  </rbd:config_opts>\n</pool>\n";
        ok(virsh("pool-define", file("down.xml", xml).toString()));
        try {
            long start = System.nanoTime();
            fails("error: failed to connect to the RADOS monitor on: 127.0.0.1:1,: ", virsh("pool-start", "down"));
            assertTrue(System.nanoTime() - start < 20_000_000_000L, "the 1 s timeout was not applied");
            assertTrue(ok(virsh("pool-dumpxml", "down")).contains(
                    "<rbd:option name='client_mount_timeout' value='1'/>"));
        } finally {
            virsh("pool-undefine", "down");
        }
    }

    /**
     * A pool whose monitor never answers holds its start for librados' 30 s mount timeout; meanwhile lookups
     * on a dir pool, over one python3-libvirt connection, must each answer within 100 ms.
     */
    @Test
    void aDeadMonitorStallsNoOtherPool() throws Exception {
        PythonStorageApiIT.requirePythonLibvirt();
        Path dir = home.resolve("d/quick"); // in the daemon's home, which its user owns
        ok(virsh("pool-create-as", "quick", "dir", "--target", dir.toString(), "--build"));
        ok(virsh("vol-create-as", "quick", "q.raw", "1M"));
        String xml = "<pool type='rbd'>\n  <name>stalled</name>\n  <source>\n    <host name='127.0.0.1' port='"
                + freePort() + "'/>\n    <name>rbdpool</name>\n  </source>\n</pool>\n";
        ok(virsh("pool-define", file("stalled.xml", xml).toString()));
        try {
            long start = System.nanoTime();
            var stalled = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return virsh("pool-start", "stalled");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            String probe = String.join("\n",
                    "import libvirt, sys, time",
                    "c = libvirt.open(sys.argv[1]); p = c.storagePoolLookupByName('quick'); worst = 0; n = 0",
                    "end = time.time() + 20",
                    "while time.time() < end:",
                    "    t = time.perf_counter(); p.storageVolLookupByName('q.raw').info(); p.info(); n += 1",
                    // the first calls of a connection warm up both ends; from then on each is timed
                    "    worst = max(worst, time.perf_counter() - t) if n > 3 else 0; time.sleep(0.01)",
                    "print(int(worst * 1000))");
            CommandResult r = Commands.run(List.of("/usr/bin/python3", "-c", probe, daemon.uri()), Map.of(), null, 60);
            assertEquals(0, r.exitCode(), r.toString());
            long worstMillis = Long.parseLong(r.stdout().strip());
            CommandResult started = stalled.get(60, java.util.concurrent.TimeUnit.SECONDS);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            fails("error: failed to connect to the RADOS monitor on: 127.0.0.1:", started);
            assertTrue(seconds >= 20, "the stalled start ended after " + seconds + " s, before the lookups did");
            assertTrue(worstMillis < 100, "a dir pool lookup took " + worstMillis + " ms while an rbd start waited");
        } finally {
            virsh("pool-undefine", "stalled");
            virsh("pool-destroy", "quick");
        }
    }

    /** A 127.0.0.1 port nobody listens on: librados keeps trying it until its mount timeout. */
    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
