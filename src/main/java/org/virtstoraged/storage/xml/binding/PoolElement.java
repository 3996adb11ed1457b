package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlRootElement;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code <pool>} document as a client sends it. Only what libvirt reads is bound (capacity, allocation and
 * available are output only). Lists keep repeated elements in document order; libvirt's lookups use the first.
 * The backend namespaces are matched by URI, as libvirt's XPath does, whatever prefix the document uses.
 */
@XmlRootElement(name = "pool")
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolElement {
    public static final String FS_NAMESPACE = "http://libvirt.org/schemas/storagepool/fs/1.0";
    public static final String RBD_NAMESPACE = "http://libvirt.org/schemas/storagepool/rbd/1.0";

    @XmlAttribute(name = "type")
    public String type;

    @XmlElement(name = "name")
    public List<VolumeTextElement> name = new ArrayList<>();

    @XmlElement(name = "uuid")
    public List<VolumeTextElement> uuid = new ArrayList<>();

    @XmlElement(name = "features")
    public List<PoolFeaturesElement> features = new ArrayList<>();

    @XmlElement(name = "source")
    public List<PoolSourceElement> source = new ArrayList<>();

    @XmlElement(name = "target")
    public List<PoolTargetElement> target = new ArrayList<>();

    @XmlElement(name = "refresh")
    public List<PoolRefreshElement> refresh = new ArrayList<>();

    @XmlElement(name = "mount_opts", namespace = FS_NAMESPACE)
    public List<PoolNamespaceOptionsElement> mountOptions = new ArrayList<>();

    @XmlElement(name = "config_opts", namespace = RBD_NAMESPACE)
    public List<PoolNamespaceOptionsElement> rbdConfigOptions = new ArrayList<>();
}
