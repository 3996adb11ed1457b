package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;

/** {@code <device path part_separator/>} of a pool source (its freeExtent children are output only). */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolDeviceElement {
    @XmlAttribute(name = "path")
    public String path;

    @XmlAttribute(name = "part_separator")
    public String partSeparator;
}
