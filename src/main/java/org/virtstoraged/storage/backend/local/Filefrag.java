package org.virtstoraged.storage.backend.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.virtstoraged.os.ErrnoException;
import org.virtstoraged.os.Fd;
import org.virtstoraged.os.Fiemap;
import org.virtstoraged.os.Statx;
import org.virtstoraged.storage.backend.ExtentMap;

/**
 * A file's data/hole map from the FIEMAP ioctl, what {@code filefrag -e -s} shows, standing in for the
 * lseek(SEEK_DATA/SEEK_HOLE) walk of libvirt's sparse download (virFileInData). That walk is now within
 * reach through the FFM API and would need no sync; moving to it is noted as open work. The file is synced
 * first (FIEMAP_FLAG_SYNC): without it, data written into a fallocated range still shows as an unwritten
 * extent while it sits in the page cache. Unwritten extents are holes (ext4's SEEK_DATA skips them once
 * nothing is cached); every other extent, delalloc, inline or not, is data. Where the map cannot be had
 * (no FIEMAP on the filesystem, not a regular file, any error) there is none, and the caller falls back to
 * looking for zero blocks.
 */
public final class Filefrag {
    private static final Logger LOG = Logger.getLogger(Filefrag.class);

    private Filefrag() {
    }

    /** The map of the file at {@code path} as it is now; empty when it cannot be had. */
    public static Optional<ExtentMap> map(String path) {
        try (Fd fd = Fd.open(Path.of(path), Fd.O_RDONLY)) {
            long size = Statx.of(fd).size();
            return Optional.of(dataMap(size, Fiemap.extents(fd, Fiemap.FLAG_SYNC)));
        } catch (ErrnoException e) {
            LOG.debugf("no extent map, sparse download scans for zero blocks: %s", e.getMessage());
            return Optional.empty();
        }
    }

    /** The data ranges of a file of {@code size} bytes with these extents: all but the unwritten ones. */
    public static ExtentMap dataMap(long size, List<Fiemap.Extent> extents) {
        List<ExtentMap.Range> data = new ArrayList<>();
        for (Fiemap.Extent e : extents) {
            if (!e.has(Fiemap.EXTENT_UNWRITTEN)) {
                data.add(new ExtentMap.Range(e.logical(), e.end()));
            }
        }
        return ExtentMap.of(size, data);
    }
}
