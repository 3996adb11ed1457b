package org.virtstoraged.storage.xml;

import java.util.List;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolSource;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.xml.binding.PoolSourceElement;

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

    /**
     * Reads a pool definition file (virStoragePoolDefParse with a file name): as {@link #parse(String)}, but
     * libxml2's messages name the file, "FILE:LINE: MESSAGE", as libvirt's do.
     */
    public static PoolDefinition parseFile(String xml, java.nio.file.Path file) {
        return PoolXmlParser.parse(xml, file.toString());
    }

    /** The pool's XML exactly as libvirt writes it, ending with a newline. */
    public static String format(PoolDefinition def) {
        return PoolXmlFormatter.format(def);
    }

    /**
     * virStoragePoolDefParseSourceString: a find-pool-sources specification, a {@code <source>} document read
     * as the source of a pool of the given type.
     */
    public static PoolSource parseSourceString(String xml, PoolType type) {
        PoolSourceElement src = XmlInput.read(xml, "source", PoolSourceElement.class,
                "(storage_source_specification)", ErrorDomain.STORAGE);
        return PoolSourceParser.parse(src, type).build();
    }

    /** virStoragePoolSourceListFormat: {@code <sources>} with each source as a pool of that type writes it. */
    public static String formatSourceList(PoolType type, List<PoolSource> sources) {
        return PoolXmlFormatter.formatSourceList(type, sources);
    }
}
