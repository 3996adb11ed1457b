package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A throw-away single-brick GlusterFS volume 'gv0' on 127.0.0.1, started by src/test/scripts/gluster-volume.sh
 * under a directory of the test's and stopped on close (which also unmounts anything mounted under it).
 * Root needed; glusterd's port is fixed (24007), so one at a time per machine. Debian packages from .ci/run.
 */
final class GlusterVolume implements AutoCloseable {
    private static final Path SCRIPT = Path.of("src/test/scripts/gluster-volume.sh");

    private final Path dir;
    private final Map<String, String> env;

    private GlusterVolume(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    static GlusterVolume start(Path dir) throws Exception {
        HostTools.require("glusterd", "glusterfs-server");
        HostTools.require("gluster", "glusterfs-cli");
        HostTools.require("mount.glusterfs", "glusterfs-client");
        CommandResult r = Commands.run(List.of("bash", SCRIPT.toString(), "start", dir.toString()), Map.of(), null,
                120);
        if (r.exitCode() != 0) {
            fail("cannot start a GlusterFS volume with " + SCRIPT + ":\n" + r);
        }
        return new GlusterVolume(dir, ModularLibvirt.keyValues(r.stdout()));
    }

    /** The volfile server, 127.0.0.1. */
    String host() {
        return env.get("GLUSTER_HOST");
    }

    /** The volume's name, gv0. */
    String volume() {
        return env.get("GLUSTER_VOLUME");
    }

    /** An empty directory under the fixture's, for a FUSE mount that stop() takes down. */
    Path mountPoint() throws Exception {
        Path m = dir.resolve("mnt");
        java.nio.file.Files.createDirectories(m);
        return m;
    }

    @Override
    public void close() throws Exception {
        CommandResult r = Commands.run(List.of("bash", SCRIPT.toString(), "stop", dir.toString()), Map.of(), null, 90);
        if (r.exitCode() != 0) {
            fail("cannot stop the GlusterFS volume under " + dir + ":\n" + r);
        }
    }
}
