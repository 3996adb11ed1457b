package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;
import jakarta.xml.bind.annotation.XmlElement;
import java.util.ArrayList;
import java.util.List;

/** {@code <adapter>} of a scsi pool source: scsi_host or fc_host attributes, and an optional parentaddr. */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolAdapterElement {
    @XmlAttribute(name = "type")
    public String type;

    @XmlAttribute(name = "name")
    public String name;

    @XmlAttribute(name = "parent")
    public String parent;

    @XmlAttribute(name = "parent_wwnn")
    public String parentWwnn;

    @XmlAttribute(name = "parent_wwpn")
    public String parentWwpn;

    @XmlAttribute(name = "parent_fabric_wwn")
    public String parentFabricWwn;

    @XmlAttribute(name = "managed")
    public String managed;

    @XmlAttribute(name = "wwnn")
    public String wwnn;

    @XmlAttribute(name = "wwpn")
    public String wwpn;

    @XmlElement(name = "parentaddr")
    public List<PoolParentAddrElement> parentaddr = new ArrayList<>();
}
