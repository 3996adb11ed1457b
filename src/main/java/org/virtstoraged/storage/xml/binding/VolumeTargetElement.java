package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <target>} of a volume. Lists keep repeated elements in document order; the first one counts. */
@XmlAccessorType(XmlAccessType.FIELD)
public class VolumeTargetElement {
    @XmlElement(name = "path")
    public List<VolumeTextElement> path = new ArrayList<>();

    @XmlElement(name = "format")
    public List<VolumeFormatElement> format = new ArrayList<>();

    @XmlElement(name = "permissions")
    public List<VolumePermissionsElement> permissions = new ArrayList<>();

    @XmlElement(name = "encryption")
    public List<VolumeEncryptionElement> encryption = new ArrayList<>();

    @XmlElement(name = "compat")
    public List<VolumeTextElement> compat = new ArrayList<>();

    @XmlElement(name = "nocow")
    public List<VolumeTextElement> nocow = new ArrayList<>();

    @XmlElement(name = "clusterSize")
    public List<VolumeTextElement> clusterSize = new ArrayList<>();

    @XmlElement(name = "features")
    public List<VolumeFeaturesElement> features = new ArrayList<>();
}
