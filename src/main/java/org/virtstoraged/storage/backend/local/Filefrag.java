package org.virtstoraged.storage.backend.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.virtstoraged.storage.backend.ExtentMap;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;

/**
 * A file's data/hole map from e2fsprogs' {@code filefrag -e -s} (FIEMAP), standing in for the
 * lseek(SEEK_DATA/SEEK_HOLE) walk of libvirt's sparse download, which Java cannot do. {@code -s} syncs
 * the file first: without it, data written into a fallocated range still shows as an unwritten extent
 * while it sits in the page cache. Extents flagged {@code unwritten} are holes (ext4's SEEK_DATA skips
 * them once nothing is cached); every other extent, delalloc, inline or not, is data. Anything
 * unexpected (no filefrag, an error, FIBMAP output, an unparsable line) gives no map, and the caller
 * falls back to looking for zero blocks.
 */
public final class Filefrag {
    private static final Logger LOG = Logger.getLogger(Filefrag.class);
    private static final Pattern SIZE = Pattern.compile(" is (\\d+) \\((\\d+) blocks? of (\\d+) bytes\\)$");
    private static final Pattern EXTENT = Pattern.compile("^\\s*\\d+:\\s*(\\d+)\\.\\.\\s*(\\d+):.*$");
    private static final Pattern FOUND = Pattern.compile(": \\d+ extents? found$");
    private static final List<String> FALLBACK_PATHS = List.of("/usr/sbin/filefrag", "/sbin/filefrag");

    private Filefrag() {
    }

    /** Runs {@code filefrag -e -s path}; empty when the map cannot be had. */
    public static Optional<ExtentMap> map(String path, CommandRunner runner) {
        Optional<String> tool = locate();
        if (tool.isEmpty()) {
            LOG.debug("filefrag not found, sparse download scans for zero blocks");
            return Optional.empty();
        }
        List<String> argv = List.of(tool.get(), "-e", "-s", path);
        CommandResult r = runner.run(argv);
        if (!r.succeeded()) {
            LOG.debugf("filefrag failed (%d): %s", r.exitCode(), r.stderr().strip());
            return Optional.empty();
        }
        Optional<ExtentMap> map = parse(r.stdout());
        if (map.isEmpty()) {
            LOG.debugf("unexpected filefrag output for %s", path);
        }
        return map;
    }

    private static Optional<String> locate() {
        Optional<String> found = ExecutableLocator.find("filefrag");
        if (found.isPresent()) {
            return found;
        }
        return FALLBACK_PATHS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
    }

    /**
     * Parses filefrag -e output:
     * <pre>
     * Filesystem type is: ef53
     * File size of F is 8388608 (2048 blocks of 4096 bytes)
     *  ext:     logical_offset:        physical_offset: length:   expected: flags:
     *    0:        0..     255:   13861888..  13862143:    256:             unwritten
     *    1:      256..     256:   13862144..  13862144:      1:
     *    2:      257..    1023:   13862145..  13862911:    767:             last,unwritten
     * F: 1 extent found
     * </pre>
     */
    public static Optional<ExtentMap> parse(String stdout) {
        long size = -1;
        long blockSize = -1;
        boolean table = false;
        boolean found = false;
        List<ExtentMap.Range> data = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (line.isBlank() || line.startsWith("Filesystem type is:")) {
                continue;
            }
            if (size < 0) {
                Matcher m = line.startsWith("File size of ") ? SIZE.matcher(line) : null;
                if (m == null || !m.find()) {
                    return Optional.empty();
                }
                size = Long.parseLong(m.group(1));
                blockSize = Long.parseLong(m.group(3));
                if (blockSize <= 0) {
                    return Optional.empty();
                }
                continue;
            }
            if (!table && line.startsWith(" ext:") && line.contains("logical_offset:")) {
                table = true;
                continue;
            }
            if (table) {
                Matcher m = EXTENT.matcher(line);
                if (m.matches()) {
                    String[] fields = line.split(":", -1);
                    String flags = fields.length >= 5 ? fields[fields.length - 1].strip() : "";
                    long first = Long.parseLong(m.group(1));
                    long last = Long.parseLong(m.group(2));
                    if (last < first) {
                        return Optional.empty();
                    }
                    if (!hasFlag(flags, "unwritten")) {
                        data.add(new ExtentMap.Range(Math.multiplyExact(first, blockSize),
                                Math.multiplyExact(last + 1, blockSize)));
                    }
                    continue;
                }
            }
            if (FOUND.matcher(line).find()) {
                found = true;
                continue;
            }
            return Optional.empty();
        }
        if (size < 0 || !found || (!table && !data.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(ExtentMap.of(size, data));
    }

    private static boolean hasFlag(String flags, String flag) {
        for (String f : flags.split(",")) {
            if (f.strip().equals(flag)) {
                return true;
            }
        }
        return false;
    }
}
