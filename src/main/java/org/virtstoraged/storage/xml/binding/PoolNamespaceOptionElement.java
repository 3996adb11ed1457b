package org.virtstoraged.storage.xml.binding;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlAttribute;

/**
 * {@code <fs:option name/>} or {@code <rbd:option name value/>}. The subclasses say which namespace the element
 * was in, since libvirt only looks for fs options inside fs:mount_opts and rbd options inside rbd:config_opts.
 */
@XmlAccessorType(XmlAccessType.FIELD)
public class PoolNamespaceOptionElement {
    @XmlAttribute(name = "name")
    public String name;

    @XmlAttribute(name = "value")
    public String value;

    /** An option in the fs namespace. */
    public static class Fs extends PoolNamespaceOptionElement {
    }

    /** An option in the rbd namespace. */
    public static class Rbd extends PoolNamespaceOptionElement {
    }
}
