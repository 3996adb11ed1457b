package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;

/** {@code <cipher name size mode hash/>} of LUKS encryption. */
@XmlAccessorType(XmlAccessType.FIELD)
public class VolumeCipherElement {
    @XmlAttribute(name = "name")
    public String name;

    @XmlAttribute(name = "size")
    public String size;

    @XmlAttribute(name = "mode")
    public String mode;

    @XmlAttribute(name = "hash")
    public String hash;
}
