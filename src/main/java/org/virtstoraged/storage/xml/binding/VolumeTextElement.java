package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAnyElement;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlMixed;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/**
 * An element read for its text, such as {@code <name>} or {@code <capacity unit='G'>}. Its whole content
 * is kept so that {@link #stringValue()} is XPath's string(): all descendant text, concatenated.
 */
@XmlAccessorType(XmlAccessType.FIELD)
public class VolumeTextElement {
    @XmlMixed
    @XmlAnyElement
    public List<Object> content = new ArrayList<>();

    @XmlAttribute(name = "unit")
    public String unit;

    public String stringValue() {
        StringBuilder text = new StringBuilder();
        for (Object part : content) {
            if (part instanceof String s) {
                text.append(s);
            } else if (part instanceof Element e) {
                text.append(e.getTextContent());
            }
        }
        return text.toString();
    }
}
