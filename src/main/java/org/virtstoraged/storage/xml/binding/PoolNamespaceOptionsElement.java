package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlElements;
import java.util.ArrayList;
import java.util.List;

/** {@code <fs:mount_opts>} or {@code <rbd:config_opts>}: options in the backend's own namespace. */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolNamespaceOptionsElement {
    @XmlElements({
        @XmlElement(name = "option", namespace = PoolElement.FS_NAMESPACE, type = PoolNamespaceOptionElement.Fs.class),
        @XmlElement(name = "option", namespace = PoolElement.RBD_NAMESPACE, type = PoolNamespaceOptionElement.Rbd.class)
    })
    public List<PoolNamespaceOptionElement> option = new ArrayList<>();
}
