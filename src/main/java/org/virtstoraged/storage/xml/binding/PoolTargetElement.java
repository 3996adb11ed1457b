package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <target>} of a pool: its path and permissions. */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolTargetElement {
    @XmlElement(name = "path")
    public List<VolumeTextElement> path = new ArrayList<>();

    @XmlElement(name = "permissions")
    public List<VolumePermissionsElement> permissions = new ArrayList<>();
}
