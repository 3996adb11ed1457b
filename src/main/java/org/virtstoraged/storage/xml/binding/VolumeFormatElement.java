package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;

/** {@code <format type='...'/>} of a volume target or backing store. */
@XmlAccessorType(XmlAccessType.FIELD)
public class VolumeFormatElement {
    @XmlAttribute(name = "type")
    public String type;
}
