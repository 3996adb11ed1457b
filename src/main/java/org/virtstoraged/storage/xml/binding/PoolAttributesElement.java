package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;

/**
 * An element of pool XML read only for its attributes: {@code <cow state>}, {@code <dir path>},
 * {@code <format type>}, {@code <protocol ver>}, {@code <vendor name>}, {@code <product name>},
 * {@code <iqn name>}, {@code <volume allocation>}. Unused attributes stay null.
 */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolAttributesElement {
    @XmlAttribute(name = "state")
    public String state;

    @XmlAttribute(name = "path")
    public String path;

    @XmlAttribute(name = "type")
    public String type;

    @XmlAttribute(name = "ver")
    public String ver;

    @XmlAttribute(name = "name")
    public String name;

    @XmlAttribute(name = "allocation")
    public String allocation;
}
