package org.virtstoraged.storage.xml;

import org.virtstoraged.storage.model.PoolDefinition;

/** Storage pool XML as libvirt 9.0 reads and writes it (virStoragePoolDefParseString / virStoragePoolDefFormat). */
public final class PoolXml {
    private PoolXml() {
    }

    /**
     * Reads a client's pool XML, reporting errors with libvirt's codes, domains and messages. A missing uuid
     * is generated at random; sizes in the document are ignored.
     *
     * @throws org.virtstoraged.error.VirException when the document is not well formed or not a valid pool
     */
    public static PoolDefinition parse(String xml) {
        return PoolXmlParser.parse(xml);
    }

    /** The pool's XML exactly as libvirt writes it, ending with a newline. */
    public static String format(PoolDefinition def) {
        return PoolXmlFormatter.format(def);
    }
}
