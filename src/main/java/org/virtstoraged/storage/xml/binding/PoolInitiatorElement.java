package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <initiator><iqn name/></initiator>} of an iSCSI source. */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolInitiatorElement {
    @XmlElement(name = "iqn")
    public List<PoolAttributesElement> iqn = new ArrayList<>();
}
