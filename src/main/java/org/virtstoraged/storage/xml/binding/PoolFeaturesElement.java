package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <features>} of a pool; only {@code <cow>} exists. */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolFeaturesElement {
    @XmlElement(name = "cow")
    public List<PoolAttributesElement> cow = new ArrayList<>();
}
