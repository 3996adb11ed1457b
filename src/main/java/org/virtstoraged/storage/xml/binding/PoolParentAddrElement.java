package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <parentaddr unique_id><address .../></parentaddr>} of a scsi_host adapter. */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolParentAddrElement {
    @XmlAttribute(name = "unique_id")
    public String uniqueId;

    @XmlElement(name = "address")
    public List<PoolPciAddressElement> address = new ArrayList<>();
}
