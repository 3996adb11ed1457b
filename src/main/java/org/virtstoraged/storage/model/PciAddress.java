package org.virtstoraged.storage.model;

/** A PCI address as in {@code <address domain bus slot function/>}; each part is an unsigned int. */
public record PciAddress(long domain, long bus, long slot, long function) {
}
