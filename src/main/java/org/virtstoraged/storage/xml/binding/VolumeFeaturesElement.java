package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAnyElement;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/** {@code <features>}: every child element names a feature, so all of them are kept. */
@XmlAccessorType(XmlAccessType.FIELD)
public class VolumeFeaturesElement {
    @XmlAnyElement
    public List<Element> children = new ArrayList<>();
}
