package org.virtstoraged.storage.model;

import java.util.Objects;

/** One {@code <rbd:option name value/>} of an rbd pool: a RADOS setting applied when connecting. */
public record RbdConfigOption(String name, String value) {
    public RbdConfigOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
