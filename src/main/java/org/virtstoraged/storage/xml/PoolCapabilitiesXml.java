package org.virtstoraged.storage.xml;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.virtstoraged.storage.model.PoolSourceFormats;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeFormats;

/**
 * virConnectGetStoragePoolCapabilities (virStoragePoolCapsFormat): every pool type libvirt 9.0 knows, in its
 * numbering, marked supported when this daemon has its backend, each with the source and volume formats the
 * type accepts (listed whether or not the type is supported).
 */
public final class PoolCapabilitiesXml {
    private PoolCapabilitiesXml() {
    }

    public static String format(Set<PoolType> supported) {
        StringBuilder out = new StringBuilder("<storagepoolCapabilities>\n");
        for (PoolType type : PoolType.values()) {
            out.append("  <pool type='").append(type.xmlName()).append("' supported='")
                    .append(supported.contains(type) ? "yes" : "no").append("'>\n");
            Optional<PoolSourceFormats> pool = PoolSourceFormats.forPool(type);
            pool.ifPresent(f -> options(out, "poolOptions", "sourceFormatType", f.defaultFormat(), f.names()));
            Optional<VolumeFormats> volume = VolumeFormats.forPool(type);
            volume.ifPresent(f -> options(out, "volOptions", "targetFormatType", f.defaultFormat(), f.advertised()));
            out.append("  </pool>\n");
        }
        return out.append("</storagepoolCapabilities>\n").toString();
    }

    private static void options(StringBuilder out, String element, String enumName, String defaultFormat,
            List<String> values) {
        out.append("    <").append(element).append(">\n");
        out.append("      <defaultFormat type='").append(defaultFormat).append("'/>\n");
        out.append("      <enum name='").append(enumName).append("'>\n");
        for (String value : values) {
            out.append("        <value>").append(value).append("</value>\n");
        }
        out.append("      </enum>\n");
        out.append("    </").append(element).append(">\n");
    }
}
