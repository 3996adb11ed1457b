package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;

/** {@code <host name port/>} of a pool source. */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolHostElement {
    @XmlAttribute(name = "name")
    public String name;

    @XmlAttribute(name = "port")
    public String port;
}
