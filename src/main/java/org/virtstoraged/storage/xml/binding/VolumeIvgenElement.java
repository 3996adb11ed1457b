package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;

/** {@code <ivgen name hash/>} of LUKS encryption. */
@XmlAccessorType(XmlAccessType.FIELD)
public class VolumeIvgenElement {
    @XmlAttribute(name = "name")
    public String name;

    @XmlAttribute(name = "hash")
    public String hash;
}
