package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <permissions>} of a volume target or backing store; each list holds the elements in document order. */
@XmlAccessorType(XmlAccessType.FIELD)
public class VolumePermissionsElement {
    @XmlElement(name = "mode")
    public List<VolumeTextElement> mode = new ArrayList<>();

    @XmlElement(name = "owner")
    public List<VolumeTextElement> owner = new ArrayList<>();

    @XmlElement(name = "group")
    public List<VolumeTextElement> group = new ArrayList<>();

    @XmlElement(name = "label")
    public List<VolumeTextElement> label = new ArrayList<>();
}
