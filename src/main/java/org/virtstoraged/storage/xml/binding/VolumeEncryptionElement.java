package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <encryption format engine>} of a volume target. */
@XmlAccessorType(XmlAccessType.FIELD)
public class VolumeEncryptionElement {
    @XmlAttribute(name = "format")
    public String format;

    @XmlAttribute(name = "engine")
    public String engine;

    @XmlElement(name = "secret")
    public List<VolumeSecretElement> secret = new ArrayList<>();

    @XmlElement(name = "cipher")
    public List<VolumeCipherElement> cipher = new ArrayList<>();

    @XmlElement(name = "ivgen")
    public List<VolumeIvgenElement> ivgen = new ArrayList<>();
}
