package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <refresh><volume allocation/></refresh>}. */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolRefreshElement {
    @XmlElement(name = "volume")
    public List<PoolAttributesElement> volume = new ArrayList<>();
}
