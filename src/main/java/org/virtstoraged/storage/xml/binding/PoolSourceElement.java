package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <source>} of a pool. Lists keep repeated elements in document order. */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolSourceElement {
    @XmlElement(name = "name")
    public List<VolumeTextElement> name = new ArrayList<>();

    @XmlElement(name = "format")
    public List<PoolAttributesElement> format = new ArrayList<>();

    @XmlElement(name = "host")
    public List<PoolHostElement> host = new ArrayList<>();

    @XmlElement(name = "initiator")
    public List<PoolInitiatorElement> initiator = new ArrayList<>();

    @XmlElement(name = "device")
    public List<PoolDeviceElement> device = new ArrayList<>();

    @XmlElement(name = "dir")
    public List<PoolAttributesElement> dir = new ArrayList<>();

    @XmlElement(name = "adapter")
    public List<PoolAdapterElement> adapter = new ArrayList<>();

    @XmlElement(name = "auth")
    public List<PoolAuthElement> auth = new ArrayList<>();

    @XmlElement(name = "protocol")
    public List<PoolAttributesElement> protocol = new ArrayList<>();

    @XmlElement(name = "vendor")
    public List<PoolAttributesElement> vendor = new ArrayList<>();

    @XmlElement(name = "product")
    public List<PoolAttributesElement> product = new ArrayList<>();
}
