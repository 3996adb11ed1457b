package org.virtstoraged.storage.backend.gluster;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The volume names a gluster server has, as libvirt's virStorageBackendFindGlusterPoolSources asks for them
 * (for both gluster and netfs pools): {@code gluster --xml --log-file=/dev/null volume info all
 * --remote-host=HOST}, then the text of {@code name} in every {@code //volumes/volume}.
 */
public final class GlusterVolumeInfo {
    private GlusterVolumeInfo() {
    }

    public static List<String> argv(String gluster, String host) {
        return List.of(gluster, "--xml", "--log-file=/dev/null", "volume", "info", "all", "--remote-host=" + host);
    }

    /**
     * Runs the query; empty when the tool exits non-zero (libvirt runs it with an exit-status pointer: no
     * volumes then, no error).
     */
    public static Optional<List<String>> query(CommandRunner runner, String gluster, String host) {
        CommandResult r = runner.run(argv(gluster, host));
        if (!r.succeeded()) {
            return Optional.empty();
        }
        return Optional.of(volumeNames(r.stdout()));
    }

    /** virStorageUtilGlusterExtractPoolSources' parsing: a volume without a name is an internal error. */
    public static List<String> volumeNames(String xml) {
        NodeList volumes = volumes(xml);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < volumes.getLength(); i++) {
            String name = childText((Element) volumes.item(i), "name");
            if (name == null || name.isEmpty()) {
                throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                        "failed to extract gluster volume name");
            }
            names.add(name);
        }
        return names;
    }

    private static NodeList volumes(String xml) {
        try {
            DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
            dbf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = dbf.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
            return (NodeList) XPathFactory.newInstance().newXPath().evaluate("//volumes/volume", doc,
                    XPathConstants.NODESET);
        } catch (Exception e) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.NONE, "(gluster_cli_output): %s",
                    e.getMessage());
        }
    }

    /** XPath string(./name): the text of the first name child, or null. */
    private static String childText(Element volume, String name) {
        for (org.w3c.dom.Node n = volume.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent();
            }
        }
        return null;
    }
}
