package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;

/** {@code <secret type uuid usage/>} inside {@code <encryption>}. */
@XmlAccessorType(XmlAccessType.FIELD)
public class VolumeSecretElement {
    @XmlAttribute(name = "type")
    public String type;

    @XmlAttribute(name = "uuid")
    public String uuid;

    @XmlAttribute(name = "usage")
    public String usage;
}
