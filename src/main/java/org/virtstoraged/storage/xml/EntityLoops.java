package org.virtstoraged.storage.xml;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.Location;
import javax.xml.stream.XMLStreamException;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * An entity that refers to itself, or expands beyond {@link XmlInput}'s limits, in libvirt's words. libxml2
 * reports both as "Detected an entity reference loop" from inside the entity being expanded, so libvirt's
 * message has no document name ("at line N: ...") and shows that entity's replacement text with the pointer
 * after the offending reference.
 */
final class EntityLoops {
    private static final String LOOP = "Detected an entity reference loop";
    /** Java: Recursive entity reference "a". (Reference path: a -> b -> a), */
    private static final Pattern RECURSIVE = Pattern.compile(
            "(?s).*Recursive entity reference \"([^\"]+)\"\\. \\(Reference path: ([^)]*)\\).*");
    /** Java's entity limits: expansions (JAXP00010001), one entity's size (…03), all entities' size (…04). */
    private static final Pattern LIMIT = Pattern.compile("(?s).*JAXP0001000[134]:.*");

    private EntityLoops() {
    }

    /** libvirt's error for {@code e}, or null when {@code e} is not about entity loops or limits. */
    static VirException asLibxmlError(String xml, XMLStreamException e, ErrorDomain domain) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        Location where = e.getLocation();
        int line = where == null || where.getLineNumber() < 1 ? 1 : where.getLineNumber();
        Matcher recursive = RECURSIVE.matcher(message);
        if (recursive.matches()) {
            // the reference path ends with the repeated entity; the one before it was being expanded
            String[] path = recursive.group(2).split("\\s*->\\s*");
            String repeated = recursive.group(1);
            String expanding = path.length >= 2 ? path[path.length - 2].strip() : repeated;
            String text = replacementText(xml, expanding);
            if (text != null) {
                String reference = "&" + repeated + ";";
                int at = text.indexOf(reference);
                int column = at < 0 ? 0 : at + reference.length();
                return loop(line, text, column, domain);
            }
            return loop(line, "", 0, domain);
        }
        if (LIMIT.matcher(message).matches()) {
            // Java does not say which entity grew too large: the document's line stands for its text
            String[] lines = xml.split("\r\n|\r|\n", -1);
            String context = lines[Math.min(line, lines.length) - 1];
            int column = where == null ? 0 : Math.max(0, Math.min(where.getColumnNumber() - 1, context.length()));
            return loop(line, context, column, domain);
        }
        return null;
    }

    private static VirException loop(int line, String context, int column, ErrorDomain domain) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < column; i++) {
            pointer.append(context.charAt(i) == '\t' ? '\t' : '-');
        }
        return VirException.of(ErrorCode.XML_DETAIL, domain, "at line %d: %s\n%s\n%s^", line, LOOP, context, pointer);
    }

    /** The replacement text an internal general entity was declared with, or null. */
    private static String replacementText(String xml, String entity) {
        Matcher m = Pattern.compile("<!ENTITY\\s+" + Pattern.quote(entity) + "\\s+(\"([^\"]*)\"|'([^']*)')").matcher(xml);
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(3);
    }
}
