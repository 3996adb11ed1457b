package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;

/** A PCI {@code <address domain bus slot function multifunction/>}. */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolPciAddressElement {
    @XmlAttribute(name = "domain")
    public String domain;

    @XmlAttribute(name = "bus")
    public String bus;

    @XmlAttribute(name = "slot")
    public String slot;

    @XmlAttribute(name = "function")
    public String function;

    @XmlAttribute(name = "multifunction")
    public String multifunction;
}
