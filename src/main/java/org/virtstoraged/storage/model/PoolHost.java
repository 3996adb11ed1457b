package org.virtstoraged.storage.model;

import java.util.Objects;

/**
 * One {@code <host name='...' port='...'/>} of a pool source.
 *
 * @param name host name or address, as given (may be empty: libvirt only requires the attribute)
 * @param port port number, or 0 when none was given (libvirt then writes no port)
 */
public record PoolHost(String name, int port) {
    public PoolHost {
        Objects.requireNonNull(name, "name");
    }
}
