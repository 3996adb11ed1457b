package org.virtstoraged.os;

/**
 * struct statfs: which filesystem holds a file (f_type, its magic number) and its block counts. java.nio's
 * FileStore has the sizes but not the type as a number, which libvirt compares (BTRFS_SUPER_MAGIC).
 *
 * @param blockSize f_bsize, the optimal transfer block size
 * @param blocks f_blocks, in units of f_frsize
 */
public record FileSystemStatus(long type, long blockSize, long blocks, long freeBlocks, long availableBlocks,
        long files, long freeFiles, long nameMax, long fragmentSize, long flags) {

    /** linux/magic.h */
    public static final long TMPFS_MAGIC = 0x01021994L;
    /** ext2, ext3 and ext4 share it. */
    public static final long EXT4_SUPER_MAGIC = 0xEF53L;
    public static final long BTRFS_SUPER_MAGIC = 0x9123683EL;
    public static final long XFS_SUPER_MAGIC = 0x58465342L;
}
