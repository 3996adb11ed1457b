package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A throw-away single-node Ceph cluster on 127.0.0.1 (one mon, one mgr, one memstore OSD, RBD pool
 * 'rbdpool', cephx), started by src/test/scripts/ceph-cluster.sh under a directory of the test's and
 * stopped on close. Root needed; the Debian packages come from .ci/run.
 */
final class CephCluster implements AutoCloseable {
    private static final Path SCRIPT = Path.of("src/test/scripts/ceph-cluster.sh");

    private final Path dir;
    private final Map<String, String> env;

    private CephCluster(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    /** A cluster with cephx. */
    static CephCluster start(Path dir) throws Exception {
        return start(dir, true);
    }

    /** A cluster with cephx, or with 'auth none' (adminKey() is then empty). */
    static CephCluster start(Path dir, boolean cephx) throws Exception {
        HostTools.require("ceph-mon", "ceph-mon");
        HostTools.require("ceph-osd", "ceph-osd");
        HostTools.require("ceph-mgr", "ceph-mgr");
        HostTools.require("rbd", "ceph-common");
        CommandResult r = Commands.run(List.of("bash", SCRIPT.toString(), "start", dir.toString()),
                Map.of("CEPH_AUTH", cephx ? "cephx" : "none"), null, 240);
        if (r.exitCode() != 0) {
            fail("cannot start a Ceph cluster with " + SCRIPT + ":\n" + r);
        }
        return new CephCluster(dir, ModularLibvirt.keyValues(r.stdout()));
    }

    /** "127.0.0.1:PORT", the mon's msgr2 address. */
    String monHost() {
        return env.get("MON_HOST");
    }

    int port() {
        return Integer.parseInt(env.get("MON_PORT"));
    }

    /** client.admin's cephx key, base64 as in the keyring; empty for an 'auth none' cluster. */
    String adminKey() {
        return env.get("ADMIN_KEY");
    }

    String pool() {
        return env.get("POOL");
    }

    Path confPath() {
        return Path.of(env.get("CEPH_CONF"));
    }

    /** Runs {@code rbd -c CONF ARGS...} (as client.admin, whose keyring the configuration names). */
    CommandResult rbd(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(HostTools.require("rbd", "ceph-common"), "-c",
                confPath().toString()));
        argv.addAll(List.of(args));
        return Commands.run(argv, Map.of(), null, 120);
    }

    @Override
    public void close() throws Exception {
        CommandResult r = Commands.run(List.of("bash", SCRIPT.toString(), "stop", dir.toString()), Map.of(), null, 60);
        if (r.exitCode() != 0) {
            fail("cannot stop the Ceph cluster under " + dir + ":\n" + r);
        }
    }
}
