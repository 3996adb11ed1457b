package org.virtstoraged.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** statfs(2) and fstatfs(2) against coreutils' stat -f. */
class StatfsTest {
    @RegisterExtension
    static final LoopFilesystems FS = LoopFilesystems.of("ext4", "btrfs");

    @Test
    void magicNumbers() throws Exception {
        assertEquals(FileSystemStatus.TMPFS_MAGIC, Statfs.of(Path.of("/dev/shm")).type());
        assertEquals(FileSystemStatus.EXT4_SUPER_MAGIC, Statfs.of(FS.ext4()).type());
        assertEquals(FileSystemStatus.BTRFS_SUPER_MAGIC, Statfs.of(FS.btrfs()).type());
        // as stat -f prints f_type, in hex
        assertEquals(Tools.run("stat", "-f", "-c", "%t", FS.btrfs().toString()).strip(),
                Long.toHexString(Statfs.of(FS.btrfs()).type()));
    }

    @Test
    void countsAsStatFPrintsThem() throws Exception {
        for (Path root : new Path[] {FS.ext4(), FS.btrfs(), Path.of("/dev/shm")}) {
            FileSystemStatus fs = Statfs.of(root);
            String[] stat = Tools.run("stat", "-f", "-c", "%s %S %b %c %l", root.toString()).strip().split(" ");
            assertEquals(Long.parseLong(stat[0]), fs.blockSize(), root.toString());
            assertEquals(Long.parseLong(stat[1]), fs.fragmentSize(), root.toString());
            assertEquals(Long.parseLong(stat[2]), fs.blocks(), root.toString());
            assertEquals(Long.parseLong(stat[3]), fs.files(), root.toString());
            assertEquals(Long.parseLong(stat[4]), fs.nameMax(), root.toString());
        }
    }

    @Test
    void descriptorVariantIsFstatfs() throws Exception {
        Path file = Files.writeString(FS.btrfs().resolve("f"), "x");
        try (Fd fd = Fd.open(file, Fd.O_RDONLY)) {
            assertEquals(FileSystemStatus.BTRFS_SUPER_MAGIC, Statfs.of(fd).type());
            assertEquals(Statfs.of(FS.btrfs()).blocks(), Statfs.of(fd).blocks());
        }
        ErrnoException e = assertThrows(ErrnoException.class, () -> Statfs.of(FS.ext4().resolve("missing")));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("statfs", e.call());
    }
}
