package org.virtstoraged.storage.backend.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.virtstoraged.error.VirException;

/**
 * netfs source discovery on RECORDED tool output (there is no NFS or gluster server here).
 * <ul>
 * <li>The failures are real recordings: Debian 12's showmount (nfs-common 1:2.6.2-4+deb12u1, unpacked from the
 * .deb with apt-get download + dpkg-deb -x, not installed) run with LC_ALL=C as
 * {@code showmount --no-headers --exports localhost} (no rpcbind: exit 1, "clnt_create: RPC: Unable to
 * receive") and {@code ... nosuchhost.invalid} (exit 1, "clnt_create: RPC: Unknown host").</li>
 * <li>The success output could not be recorded without a server: it has the shape nfs-utils' showmount prints
 * (each export directory padded to the longest, a space, then the comma-separated clients or "(everyone)"),
 * the shape libvirt's own comment and regex expect.</li>
 * <li>The gluster output is the shape of {@code gluster --xml volume info all} (cliOutput/volInfo/volumes/volume/name).</li>
 * </ul>
 */
class NetfsSourceFinderTest {
    static final String SPEC = "<source><host name='nfs.example.com'/></source>";
    static final List<String> SHOWMOUNT = List.of("/sbin/showmount", "--no-headers", "--exports", "nfs.example.com");
    static final FsTools NO_GLUSTER = new FsTools("/bin/mount", "/bin/umount", "/sbin/mkfs", "/sbin/showmount",
            name -> Optional.empty());
    static final FsTools WITH_GLUSTER = new FsTools("/bin/mount", "/bin/umount", "/sbin/mkfs", "/sbin/showmount",
            name -> name.equals("gluster") ? Optional.of("/usr/sbin/gluster") : Optional.empty());
    static final List<String> GLUSTER = List.of("/usr/sbin/gluster", "--xml", "--log-file=/dev/null", "volume", "info",
            "all", "--remote-host=nfs.example.com");

    @Test
    void exportsBecomeNfsSources() {
        ReplayCommandRunner runner = new ReplayCommandRunner().on(SHOWMOUNT, 0,
                "/srv/nfs/images     192.168.122.0/24,host1.example.com\n"
                        + "/srv/nfs/iso images (everyone)\n"
                        + "/srv/nfs/vm         *\n", "");
        String xml = new NetfsSourceFinder(runner, NO_GLUSTER).find(SPEC, 0);
        assertEquals("""
                <sources>
                  <source>
                    <host name='nfs.example.com'/>
                    <dir path='/srv/nfs/images'/>
                    <format type='nfs'/>
                  </source>
                  <source>
                    <host name='nfs.example.com'/>
                    <dir path='/srv/nfs/iso images'/>
                    <format type='nfs'/>
                  </source>
                  <source>
                    <host name='nfs.example.com'/>
                    <dir path='/srv/nfs/vm'/>
                    <format type='nfs'/>
                  </source>
                </sources>
                """, xml);
        assertEquals(List.of(SHOWMOUNT), runner.commands());
    }

    @Test
    void noExportsIsAnEmptyList() {
        ReplayCommandRunner runner = new ReplayCommandRunner().on(SHOWMOUNT, 0, "", "");
        assertEquals("<sources>\n</sources>\n", new NetfsSourceFinder(runner, NO_GLUSTER).find(SPEC, 0));
    }

    @Test
    void showmountFailingWithoutGlusterIsNoPoolsFound() {
        ReplayCommandRunner runner = new ReplayCommandRunner().on(SHOWMOUNT, 1, "",
                "clnt_create: RPC: Unable to receive\n");
        VirException e = assertThrows(VirException.class, () -> new NetfsSourceFinder(runner, NO_GLUSTER).find(SPEC, 0));
        assertEquals("operation failed: no storage pools were found on host 'nfs.example.com'", e.getMessage());
    }

    @Test
    void unknownHost() {
        List<String> argv = List.of("/sbin/showmount", "--no-headers", "--exports", "nosuchhost.invalid");
        ReplayCommandRunner runner = new ReplayCommandRunner().on(argv, 1, "", "clnt_create: RPC: Unknown host\n");
        VirException e = assertThrows(VirException.class, () -> new NetfsSourceFinder(runner, NO_GLUSTER)
                .find("<source><host name='nosuchhost.invalid'/></source>", 0));
        assertEquals("operation failed: no storage pools were found on host 'nosuchhost.invalid'", e.getMessage());
    }

    @Test
    void glusterVolumesFollowTheExports() {
        ReplayCommandRunner runner = new ReplayCommandRunner()
                .on(SHOWMOUNT, 1, "", "clnt_create: RPC: Unable to receive\n")
                .on(GLUSTER, 0, """
                        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                        <cliOutput>
                          <opRet>0</opRet>
                          <opErrno>0</opErrno>
                          <opErrstr/>
                          <volInfo>
                            <volumes>
                              <volume>
                                <name>gv0</name>
                                <id>4ad1a1b4-0d0b-4f5e-9a48-1a4cbd0f1c3e</id>
                              </volume>
                              <count>1</count>
                            </volumes>
                          </volInfo>
                        </cliOutput>
                        """, "");
        String xml = new NetfsSourceFinder(runner, WITH_GLUSTER).find(SPEC, 0);
        assertEquals("""
                <sources>
                  <source>
                    <host name='nfs.example.com'/>
                    <dir path='gv0'/>
                    <format type='glusterfs'/>
                  </source>
                </sources>
                """, xml);
        assertEquals(List.of(SHOWMOUNT, GLUSTER), runner.commands());
    }

    @Test
    void anExportEndingInASlashFailsTheNfsPart() {
        // libvirt's "invalid netfs path (ends in /)"; a bare "/" does not even match its line pattern
        ReplayCommandRunner root = new ReplayCommandRunner().on(SHOWMOUNT, 0, "/ *\n", "");
        assertEquals("<sources>\n</sources>\n", new NetfsSourceFinder(root, NO_GLUSTER).find(SPEC, 0));
        ReplayCommandRunner runner = new ReplayCommandRunner().on(SHOWMOUNT, 0, "/export/ *\n", "");
        VirException e = assertThrows(VirException.class, () -> new NetfsSourceFinder(runner, NO_GLUSTER).find(SPEC, 0));
        assertEquals("operation failed: no storage pools were found on host 'nfs.example.com'", e.getMessage());
    }

    @Test
    void specErrors() {
        NetfsSourceFinder finder = new NetfsSourceFinder(new ReplayCommandRunner(), NO_GLUSTER);
        assertEquals("invalid argument: hostname must be specified for netfs sources",
                assertThrows(VirException.class, () -> finder.find(null, 0)).getMessage());
        assertEquals("unsupported configuration: Expected exactly 1 host for the storage pool",
                assertThrows(VirException.class, () -> finder.find("<source/>", 0)).getMessage());
        assertEquals("unsupported flags (0x1) in function virStorageBackendFileSystemNetFindPoolSources",
                assertThrows(VirException.class, () -> finder.find(SPEC, 1)).getMessage());
    }
}
