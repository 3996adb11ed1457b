package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <backingStore>} of a volume. */
@XmlAccessorType(XmlAccessType.FIELD)
public class VolumeBackingStoreElement {
    @XmlElement(name = "path")
    public List<VolumeTextElement> path = new ArrayList<>();

    @XmlElement(name = "format")
    public List<VolumeFormatElement> format = new ArrayList<>();

    @XmlElement(name = "permissions")
    public List<VolumePermissionsElement> permissions = new ArrayList<>();
}
