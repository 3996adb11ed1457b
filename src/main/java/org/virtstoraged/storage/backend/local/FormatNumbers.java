package org.virtstoraged.storage.backend.local;

import org.virtstoraged.storage.model.FileFormat;

/** The virStorageFileFormat number of a format name, for messages that print it with %d. */
final class FormatNumbers {
    private FormatNumbers() {
    }

    static int of(String format) {
        return format == null ? 0 : FileFormat.fromXmlName(format).map(FileFormat::number).orElse(-1);
    }
}
