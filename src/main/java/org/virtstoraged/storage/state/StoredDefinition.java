package org.virtstoraged.storage.state;

import java.nio.file.Path;

/** A pool definition as found on disk: the file it came from and the pool XML it holds. */
public record StoredDefinition(Path file, String xml) {
}
