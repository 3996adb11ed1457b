package org.virtstoraged.storage.model;

/**
 * A free region of a disk pool's device, in bytes; reported by the disk backend, never read from XML.
 *
 * @param start first byte (unsigned 64-bit bits)
 * @param end   byte after the region (unsigned 64-bit bits)
 */
public record PoolFreeExtent(long start, long end) {
}
