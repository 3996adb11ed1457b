package org.virtstoraged.config;

import java.util.Objects;

/** One {@code name = value} setting, with the 1-based line its name starts on. */
public record ConfEntry(String name, ConfValue value, int line) {
    public ConfEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
