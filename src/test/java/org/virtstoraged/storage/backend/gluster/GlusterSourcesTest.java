package org.virtstoraged.storage.backend.gluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;

/**
 * find-storage-pool-sources of gluster pools on gluster CLI output played back. volume-info-all.xml is a real
 * recording: {@code gluster --xml --log-file=/dev/null volume info all --remote-host=127.0.0.1} (glusterfs-cli
 * 10.3-5) against src/test/scripts/gluster-volume.sh's volume gv0 on this machine. The exit status 1 with
 * "Connection failed. Please check if gluster daemon is operational." on stdout is what the same command said
 * for --remote-host=127.0.0.2, where no glusterd listens. GlusterTranscriptIT runs the real thing.
 */
class GlusterSourcesTest {
    static final String RECORDED = "/usr/sbin/gluster";
    static final List<String> ARGV = List.of(RECORDED, "--xml", "--log-file=/dev/null", "volume", "info", "all",
            "--remote-host=127.0.0.1");

    private final List<List<String>> ran = new ArrayList<>();

    private GlusterPoolBackend backend(int exit, String stdout) {
        CommandRunner runner = argv -> {
            ran.add(argv);
            return new CommandResult(exit, stdout, "");
        };
        return new GlusterPoolBackend(runner, name -> name.equals("gluster") ? Optional.of(RECORDED) : Optional.empty());
    }

    private static String recorded() throws Exception {
        return Files.readString(Path.of("src/test/resources/gluster/volume-info-all.xml"));
    }

    @Test
    void recordedVolumeBecomesASourceAtTheRoot() throws Exception {
        String xml = backend(0, recorded()).findPoolSources("<source><host name='127.0.0.1'/></source>", 0);
        assertEquals("""
                <sources>
                  <source>
                    <host name='127.0.0.1'/>
                    <dir path='/'/>
                    <name>gv0</name>
                  </source>
                </sources>
                """, xml);
        assertEquals(List.of(ARGV), ran);
    }

    @Test
    void volumeNamesOfTheRecording() throws Exception {
        assertEquals(List.of("gv0"), GlusterVolumeInfo.volumeNames(recorded()));
    }

    @Test
    void failingCliIsNoPoolsFound() {
        VirException e = assertThrows(VirException.class, () -> backend(1,
                "Connection failed. Please check if gluster daemon is operational.\n")
                .findPoolSources("<source><host name='127.0.0.1'/></source>", 0));
        assertEquals("operation failed: no storage pools were found on host '127.0.0.1'", e.getMessage());
    }

    @Test
    void volumeWithoutNameIsAnInternalError() {
        String xml = "<cliOutput><volInfo><volumes><volume><id>x</id></volume></volumes></volInfo></cliOutput>";
        VirException e = assertThrows(VirException.class, () -> backend(0, xml)
                .findPoolSources("<source><host name='127.0.0.1'/></source>", 0));
        assertEquals("internal error: failed to extract gluster volume name", e.getMessage());
    }

    @Test
    void missingToolAndBadSpecs() {
        GlusterPoolBackend noTool = new GlusterPoolBackend(argv -> {
            throw new AssertionError("ran " + argv);
        }, name -> Optional.empty());
        assertEquals("internal error: 'gluster' command line tool not found", assertThrows(VirException.class,
                () -> noTool.findPoolSources("<source><host name='127.0.0.1'/></source>", 0)).getMessage());
        assertEquals("invalid argument: hostname must be specified for gluster sources",
                assertThrows(VirException.class, () -> noTool.findPoolSources(null, 0)).getMessage());
        assertEquals("unsupported configuration: Expected exactly 1 host for the storage pool",
                assertThrows(VirException.class, () -> noTool.findPoolSources(
                        "<source><host name='127.0.0.1'/><host name='127.0.0.2'/></source>", 0)).getMessage());
        assertEquals("unsupported flags (0x1) in function virStorageBackendGlusterFindPoolSources",
                assertThrows(VirException.class, () -> noTool.findPoolSources(
                        "<source><host name='127.0.0.1'/></source>", 1)).getMessage());
    }
}
