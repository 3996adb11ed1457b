package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlRootElement;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code <volume>} document as a client sends it. Only what libvirt reads is bound ({@code <source>}
 * and {@code <timestamps>} are output only). Lists keep repeated elements; like libvirt's XPath lookups,
 * the parser uses the first one.
 */
@XmlRootElement(name = "volume")
@XmlAccessorType(XmlAccessType.FIELD)
public class VolumeElement {
    @XmlAttribute(name = "type")
    public String type;

    @XmlElement(name = "name")
    public List<VolumeTextElement> name = new ArrayList<>();

    @XmlElement(name = "key")
    public List<VolumeTextElement> key = new ArrayList<>();

    @XmlElement(name = "capacity")
    public List<VolumeTextElement> capacity = new ArrayList<>();

    @XmlElement(name = "allocation")
    public List<VolumeTextElement> allocation = new ArrayList<>();

    @XmlElement(name = "target")
    public List<VolumeTargetElement> target = new ArrayList<>();

    @XmlElement(name = "backingStore")
    public List<VolumeBackingStoreElement> backingStore = new ArrayList<>();
}
