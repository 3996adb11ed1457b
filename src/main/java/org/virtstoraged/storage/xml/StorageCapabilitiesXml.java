package org.virtstoraged.storage.xml;

import java.util.Collection;
import org.virtstoraged.storage.model.PoolType;

/**
 * The storage driver's answer to virConnectGetCapabilities: a capabilities document with no host or
 * guest part, only the pool types of the backends it has, in registration order.
 */
public final class StorageCapabilitiesXml {
    private StorageCapabilitiesXml() {
    }

    public static String format(Collection<PoolType> types) {
        StringBuilder out = new StringBuilder("<capabilities>\n\n");
        out.append("  <pool>\n    <enum name='type'>\n");
        for (PoolType type : types) {
            out.append("      <value>").append(type.xmlName()).append("</value>\n");
        }
        out.append("    </enum>\n  </pool>\n\n</capabilities>\n");
        return out.toString();
    }
}
