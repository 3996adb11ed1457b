package org.virtstoraged.storage.xml;

import java.util.Set;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * Storage volume XML as libvirt 9.0 reads and writes it (virStorageVolDefParse / virStorageVolDefFormat).
 * The pool's type decides which format names the volume's {@code <format type>} may use.
 */
public final class VolumeXml {
    /** libvirt's volume XML parse flags. */
    public enum Option {
        /** VIR_VOL_XML_PARSE_NO_CAPACITY: {@code <capacity>} may be left out (capacity is then 0). */
        NO_CAPACITY,
        /** VIR_VOL_XML_PARSE_OPT_CAPACITY: {@code <capacity>} may be left out when a backing store is given. */
        OPT_CAPACITY
    }

    private VolumeXml() {
    }

    /**
     * Reads a client's volume XML, reporting errors with libvirt's codes and messages.
     *
     * @throws org.virtstoraged.error.VirException when the document is not well formed or not a valid volume
     */
    public static VolumeDefinition parse(PoolType poolType, String xml, Set<Option> options) {
        return VolumeXmlParser.parse(poolType, xml, options);
    }

    /** The volume's XML exactly as libvirt writes it for a volume of a pool of this type. */
    public static String format(PoolType poolType, VolumeDefinition volume) {
        return VolumeXmlFormatter.format(poolType, volume);
    }
}
