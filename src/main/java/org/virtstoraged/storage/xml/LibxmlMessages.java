package org.virtstoraged.storage.xml;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * libvirt quotes libxml2's message for a document that is not well formed; Java's parser words the same
 * faults differently. This maps the faults clients commonly make to libxml2's wording, and the column
 * libxml2 points at where it differs from Java's by a fixed amount. Unmapped messages pass unchanged.
 */
final class LibxmlMessages {
    /** libxml2's message and how many columns its pointer stands left of Java's. */
    record Translation(String message, int pointerShift) {
    }

    private record Rule(Pattern java, Function<Matcher, String> libxml, int pointerShift) {
    }

    private static final List<Rule> RULES = List.of(
            rule("Content is not allowed in prolog\\.", m -> "Start tag expected, '<' not found", 0),
            rule("The markup in the document following the root element must be well-formed\\.",
                    m -> "Extra content at the end of the document", 1),
            rule("Content is not allowed in trailing section\\.", m -> "Extra content at the end of the document", 0),
            rule("Open quote is expected for attribute \"([^\"]+)\".*", m -> "AttValue: \" or ' expected", 0),
            rule("Attribute name \"([^\"]+)\" associated with an element type \"[^\"]+\" must be followed by the ' = ' "
                    + "character\\.", m -> "Specification mandates value for attribute " + m.group(1), 0),
            rule("The end-tag for element type \"[^\"]+\" must end with a '>' delimiter\\.", m -> "expected '>'", 0),
            rule("The entity name must immediately follow the '&' in the entity reference\\.",
                    m -> "xmlParseEntityRef: no name", 0),
            rule(".*#AttributeNotUnique\\?[^&]+&(.+)", m -> "Attribute " + m.group(1) + " redefined", 1),
            rule("Attribute \"([^\"]+)\" was already specified for element \"[^\"]+\"\\.",
                    m -> "Attribute " + m.group(1) + " redefined", 1),
            rule("The content of elements must consist of well-formed character data or markup\\.",
                    m -> "StartTag: invalid element name", 0),
            rule("The entity \"([^\"]+)\" was referenced, but not declared\\.",
                    m -> "Entity '" + m.group(1) + "' not defined", 0));

    private LibxmlMessages() {
    }

    private static Rule rule(String java, Function<Matcher, String> libxml, int pointerShift) {
        return new Rule(Pattern.compile(java), libxml, pointerShift);
    }

    /** @param rootSeen whether the document's root element had started before the fault */
    static Translation translate(String javaMessage, boolean rootSeen) {
        if (!rootSeen && javaMessage.startsWith("Premature end of file")) {
            return new Translation("Document is empty", 0);
        }
        for (Rule rule : RULES) {
            Matcher m = rule.java.matcher(javaMessage);
            if (m.matches()) {
                return new Translation(rule.libxml.apply(m), rule.pointerShift);
            }
        }
        return new Translation(javaMessage, 0);
    }
}
