package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <auth type username><secret type uuid usage/></auth>} of a pool source. */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolAuthElement {
    @XmlAttribute(name = "type")
    public String type;

    @XmlAttribute(name = "username")
    public String username;

    @XmlElement(name = "secret")
    public List<VolumeSecretElement> secret = new ArrayList<>();
}
