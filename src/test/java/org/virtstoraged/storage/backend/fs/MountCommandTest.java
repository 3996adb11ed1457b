package org.virtstoraged.storage.backend.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.xml.PoolXml;

/**
 * The mount argv of every fs/netfs case of libvirt 9.0's storagepoolxml2argvtest, read at run time from
 * libvirt's own test data (tests/storagepoolxml2xmlin/NAME.xml in, tests/storagepoolxml2argvdata/NAME-linux.argv
 * expected), printed the way that test prints it (program without its path, a line break before each option
 * and after each option's value).
 */
class MountCommandTest {
    static final Path LIBVIRT = Path.of("/var/cache/libvirt-reference/libvirt-9.0.0/tests");

    @ParameterizedTest
    @ValueSource(strings = {"pool-fs", "pool-netfs", "pool-netfs-auto", "pool-netfs-protocol-ver",
            "pool-netfs-ns-mountopts", "pool-netfs-gluster", "pool-netfs-cifs"})
    void mountArgvEqualsLibvirts(String name) throws Exception {
        Path xml = LIBVIRT.resolve("storagepoolxml2xmlin/" + name + ".xml");
        Path argv = LIBVIRT.resolve("storagepoolxml2argvdata/" + name + "-linux.argv");
        assertTrue(Files.exists(xml) && Files.exists(argv), "libvirt 9.0 test data missing under " + LIBVIRT);
        PoolDefinition def = PoolXml.parse(Files.readString(xml));
        MountCommand.validate(def);
        List<String> actual = MountCommand.argv("mount", def, MountCommand.poolSource(def));
        assertEquals(Files.readString(argv), toStringWithLinebreaks(actual));
    }

    /** virCommandToStringFull(cmd, linebreaks, stripCommandPath) for arguments that need no quoting. */
    static String toStringWithLinebreaks(List<String> argv) {
        StringBuilder sb = new StringBuilder(Path.of(argv.get(0)).getFileName().toString());
        for (int i = 1; i < argv.size(); i++) {
            boolean optionValue = !argv.get(i).startsWith("-") && argv.get(i - 1).startsWith("-");
            sb.append(optionValue ? " " : " \\\n").append(argv.get(i));
        }
        return sb.append('\n').toString();
    }
}
