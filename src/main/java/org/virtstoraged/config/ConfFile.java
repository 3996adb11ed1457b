package org.virtstoraged.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed configuration file: its settings in file order (comments and blank lines are dropped).
 * A name may occur more than once; like libvirt's virConfGetValue, {@link #first} answers with the
 * earliest occurrence and later ones are never looked at.
 *
 * @param fileName the name used in error messages (the path as given, or "memory conf")
 */
public record ConfFile(String fileName, List<ConfEntry> entries) {
    public ConfFile {
        Objects.requireNonNull(fileName, "fileName");
        entries = List.copyOf(entries);
    }

    /** The first setting with this exact (case-sensitive) name. */
    public Optional<ConfEntry> first(String name) {
        for (ConfEntry e : entries) {
            if (e.name().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
