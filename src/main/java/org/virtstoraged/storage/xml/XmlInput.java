package org.virtstoraged.storage.xml;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.UnmarshalException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * Reads a client's XML document into JAXB-bound classes, the way libvirt's virXMLParse() does: a DOCTYPE
 * and internal entities are accepted, nothing external is ever loaded, no network; a document that is not
 * well formed is reported as VIR_ERR_XML_DETAIL "URL:LINE: MESSAGE" followed by the offending line and a
 * pointer under the column; a wrong root element as "expecting root element of '%s', not '%s'".
 */
public final class XmlInput {
    private static final Map<Class<?>, JAXBContext> CONTEXTS = new ConcurrentHashMap<>();
    private static final XMLInputFactory FACTORY = secureFactory();

    private XmlInput() {
    }

    /** Entity expansions and expanded size a document may use: far above any real definition, far below a bomb. */
    static final int ENTITY_EXPANSION_LIMIT = 1000;
    static final int ENTITY_SIZE_LIMIT = 1 << 20;

    /**
     * libvirt parses with XML_PARSE_NONET only: a DOCTYPE is accepted, its internal subset read and its internal
     * entities expanded (libxml2 refusing loops and amplification), while the external subset and external
     * entities are never loaded (a reference to one expands to nothing). The same here, with explicit limits
     * on expansion in place of libxml2's amplification check, and a resolver that hands the parser an empty
     * document for anything external, so that no file or network address is ever opened.
     */
    private static XMLInputFactory secureFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, true);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) -> InputStream.nullInputStream());
        factory.setProperty("jdk.xml.entityExpansionLimit", Integer.toString(ENTITY_EXPANSION_LIMIT));
        factory.setProperty("jdk.xml.totalEntitySizeLimit", Integer.toString(ENTITY_SIZE_LIMIT));
        factory.setProperty("jdk.xml.maxGeneralEntitySizeLimit", Integer.toString(ENTITY_SIZE_LIMIT));
        return factory;
    }

    /**
     * @param xml         the document as the client sent it
     * @param rootElement the element the document must start with (e.g. "pool")
     * @param type        the JAXB class bound to that element
     * @param url         libvirt's name for the document in messages, e.g. "(storage_pool_definition)"
     * @param domain      the error domain of the caller (storage)
     */
    public static <T> T read(String xml, String rootElement, Class<T> type, String url, ErrorDomain domain) {
        checkWellFormedAndRoot(xml, rootElement, url, domain);
        try {
            XMLStreamReader reader = FACTORY.createXMLStreamReader(new StringReader(xml));
            try {
                return context(type).createUnmarshaller().unmarshal(reader, type).getValue();
            } finally {
                reader.close();
            }
        } catch (UnmarshalException e) {
            throw notWellFormed(xml, e.getLinkedException() instanceof XMLStreamException s ? s : null,
                    e.getMessage(), url, domain, true);
        } catch (JAXBException | XMLStreamException e) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, domain, "cannot read %s: %s", url, e.getMessage());
        }
    }

    /** A first streaming pass: the whole document must be well formed, with the expected root. */
    private static void checkWellFormedAndRoot(String xml, String rootElement, String url, ErrorDomain domain) {
        Deque<String[]> open = new ArrayDeque<>();
        boolean[] rootSeen = {false};
        try {
            XMLStreamReader reader = FACTORY.createXMLStreamReader(new StringReader(xml));
            try {
                while (reader.hasNext()) {
                    int event = reader.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        String prefix = reader.getPrefix();
                        String qname = prefix == null || prefix.isEmpty() ? reader.getLocalName()
                                : prefix + ":" + reader.getLocalName();
                        open.push(new String[] {qname, Integer.toString(reader.getLocation().getLineNumber())});
                    } else if (event == XMLStreamConstants.END_ELEMENT && !open.isEmpty()) {
                        open.pop();
                    }
                    if (event == XMLStreamConstants.START_ELEMENT && !rootSeen[0]) {
                        rootSeen[0] = true;
                        String name = reader.getLocalName();
                        if (!name.equals(rootElement)) {
                            // virxml.c reports this one from its own domain
                            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.XML,
                                    "expecting root element of '%s', not '%s'", rootElement, name);
                        }
                    }
                }
                if (!rootSeen[0]) {
                    throw VirException.of(ErrorCode.INTERNAL_ERROR, domain, "missing root element");
                }
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            VirException loop = EntityLoops.asLibxmlError(xml, e, domain);
            if (loop != null) {
                throw loop;
            }
            VirException mismatch = tagMismatch(xml, e, open.peek(), url, domain);
            throw mismatch != null ? mismatch : notWellFormed(xml, e, e.getMessage(), url, domain, rootSeen[0]);
        }
    }

    /**
     * Input that ends inside a start tag: its name alone, or followed by whole attributes and blanks. libxml2 says
     * "Couldn't find end of Start Tag NAME line N" (N: the tag's line) where the input ends there; other unfinished
     * tags (an attribute without '=' or value, an open quote, no blank after the last value) it words otherwise.
     */
    private static final Pattern UNFINISHED_START_TAG = Pattern.compile("<([A-Za-z_:][-A-Za-z0-9._:]*)"
            + "(?:(?:\\s+[A-Za-z_:][-A-Za-z0-9._:]*\\s*=\\s*(?:'[^'<]*'|\"[^\"<]*\"))*\\s+)?$");

    /**
     * The most common slip, a wrong closing tag, worded and pointed at as libxml2 does: "Opening and ending
     * tag mismatch: OPEN line N and CLOSE", the pointer just after the closing tag's '>'.
     */
    private static VirException tagMismatch(String xml, XMLStreamException e, String[] openElement, String url,
            ErrorDomain domain) {
        Location where = e.getLocation();
        if (openElement == null || where == null || e.getMessage() == null) {
            return null;
        }
        if (e.getMessage().contains("XML document structures must start and end within the same entity")) {
            VirException premature = notWellFormed(xml, e, null, url, domain, true);
            Matcher unfinished = UNFINISHED_START_TAG.matcher(xml);
            String what = unfinished.find()
                    ? "Couldn't find end of Start Tag " + unfinished.group(1) + " line "
                            + xml.substring(0, unfinished.start()).split("\r\n|\r|\n", -1).length
                    : "Premature end of data in tag " + openElement[0] + " line " + openElement[1];
            String text = premature.getMessage().replaceFirst("^([^\\n]*?:\\d+: ).*?(\\n)",
                    "$1" + Matcher.quoteReplacement(what) + "$2");
            return VirException.of(ErrorCode.XML_DETAIL, domain, "%s", text);
        }
        if (!e.getMessage().contains("must be terminated by the matching end-tag")) {
            return null;
        }
        String[] lines = xml.split("\r\n|\r|\n", -1);
        if (where.getLineNumber() < 1 || where.getLineNumber() > lines.length) {
            return null;
        }
        String line = lines[where.getLineNumber() - 1];
        int start = line.lastIndexOf("</", Math.max(0, where.getColumnNumber() - 1));
        if (start < 0) {
            return null;
        }
        int end = start + 2;
        while (end < line.length() && line.charAt(end) != '>' && !Character.isWhitespace(line.charAt(end))) {
            end++;
        }
        String closing = line.substring(start + 2, end);
        int gt = line.indexOf('>', end);
        int caret = gt < 0 ? line.length() : gt + 1;
        return VirException.of(ErrorCode.XML_DETAIL, domain, "%s:%d: Opening and ending tag mismatch: %s line %s and %s\n%s\n%s^",
                url, where.getLineNumber(), openElement[0], openElement[1], closing, line, "-".repeat(caret));
    }

    private static VirException notWellFormed(String xml, XMLStreamException cause, String fallback, String url,
            ErrorDomain domain, boolean rootSeen) {
        Location where = cause == null ? null : cause.getLocation();
        if (where == null || where.getLineNumber() < 1) {
            return VirException.of(ErrorCode.XML_ERROR, domain, "failed to parse xml document '%s'", url);
        }
        String message = cause.getMessage();
        int detail = message.indexOf("Message: ");
        if (detail >= 0) {
            message = message.substring(detail + "Message: ".length());
        }
        LibxmlMessages.Translation libxml = LibxmlMessages.translate(
                message == null ? fallback : message.strip(), rootSeen);
        String[] lines = xml.split("\r\n|\r|\n", -1);
        int lineNo = Math.min(where.getLineNumber(), lines.length);
        String context = lines[lineNo - 1];
        int column = Math.max(0, Math.min(where.getColumnNumber() - 1 - libxml.pointerShift(), context.length()));
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < column; i++) {
            pointer.append(context.charAt(i) == '\t' ? '\t' : '-');
        }
        pointer.append('^');
        // libxml2 prints an empty context line (the end of the input) as "(null)"
        return VirException.of(ErrorCode.XML_DETAIL, domain, "%s:%d: %s\n%s\n%s", url, lineNo, libxml.message(),
                context.isEmpty() ? "(null)" : context, pointer);
    }

    private static JAXBContext context(Class<?> type) {
        return CONTEXTS.computeIfAbsent(type, t -> {
            try {
                return JAXBContext.newInstance(t);
            } catch (JAXBException e) {
                throw new IllegalStateException("JAXB cannot bind " + t.getName(), e);
            }
        });
    }
}
