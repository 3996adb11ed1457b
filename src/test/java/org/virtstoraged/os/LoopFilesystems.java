package org.virtstoraged.os;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Small ext4 and btrfs filesystems in sparse image files, loop-mounted for the tests of one class, for what
 * needs their semantics (FIEMAP, reflinks, inode flags) whatever /tmp is:
 * {@code @RegisterExtension static final LoopFilesystems FS = LoopFilesystems.of("ext4", "btrfs");}.
 * Needs root, as the tests run here and in CI; a missing mkfs fails the class naming the Debian package
 * to install, never skips it.
 */
public final class LoopFilesystems implements BeforeAllCallback, AfterAllCallback {
    /** type: Debian package of its mkfs, image size (btrfs refuses below about 110 MiB), mkfs options. */
    private static final Map<String, List<String>> MKFS = Map.of(
            // 4 KiB blocks as on a real volume's filesystem (mkfs.ext4 picks 1 KiB for one this small)
            "ext4", List.of("e2fsprogs", "64", "-q", "-F", "-b", "4096"),
            "btrfs", List.of("btrfs-progs", "256", "-q", "-f"));

    private final List<String> types;
    private final Map<String, Path> mounted = new LinkedHashMap<>();
    private Path work;

    private LoopFilesystems(List<String> types) {
        this.types = types;
    }

    public static LoopFilesystems of(String... types) {
        return new LoopFilesystems(List.of(types));
    }

    public Path ext4() {
        return root("ext4");
    }

    public Path btrfs() {
        return root("btrfs");
    }

    /** The mount point, the root directory of the filesystem. */
    public Path root(String type) {
        Path root = mounted.get(type);
        if (root == null) {
            throw new IllegalStateException(type + " is not mounted for this test class");
        }
        return root;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (!"0".equals(Tools.run("id", "-u").strip())) {
            fail("loop-mounting filesystems needs root (the tests run as root here and in CI)");
        }
        work = Files.createTempDirectory("loopfs");
        for (String type : types) {
            mounted.put(type, mount(type));
        }
    }

    private Path mount(String type) throws IOException {
        List<String> how = MKFS.get(type);
        String mkfs = List.of("/usr/sbin/mkfs." + type, "/sbin/mkfs." + type).stream()
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst()
                .orElseGet(() -> fail("mkfs." + type + " not found: install the Debian package " + how.get(0)));
        Path image = work.resolve(type + ".img");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(Long.parseLong(how.get(1)) << 20);
        }
        List<String> argv = new ArrayList<>(List.of(mkfs));
        argv.addAll(how.subList(2, how.size()));
        argv.add(image.toString());
        Tools.run(argv.toArray(String[]::new));
        Path mountPoint = Files.createDirectory(work.resolve(type));
        // mount -o loop sets the loop device up with autoclear: umount detaches it again
        Tools.run("mount", "-o", "loop", "-t", type, image.toString(), mountPoint.toString());
        return mountPoint;
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        for (Map.Entry<String, Path> m : mounted.entrySet()) {
            Tools.run("umount", m.getValue().toString());
            Files.delete(m.getValue());
            Files.delete(work.resolve(m.getKey() + ".img"));
        }
        mounted.clear();
        if (work != null) {
            Files.delete(work);
        }
    }
}
