package org.virtstoraged.storage.xml;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.xml.binding.VolumePermissionsElement;
import org.virtstoraged.storage.xml.binding.VolumeTextElement;
import org.virtstoraged.util.StrToLong;

/** {@code <permissions>} as pool targets, volume targets and backing stores share it (virStorageDefParsePerms). */
final class PermissionsXml {
    private PermissionsXml() {
    }

    /** The first {@code <permissions>} element's values; {@link Permissions#UNSET} when there is none. */
    static Permissions parse(List<VolumePermissionsElement> elements) {
        if (elements.isEmpty()) {
            return Permissions.UNSET;
        }
        VolumePermissionsElement perms = elements.get(0);
        int mode = -1;
        String modeText = XmlValues.text(perms.mode);
        if (modeText != null) {
            OptionalInt parsed = StrToLong.integer(modeText, 8);
            if (parsed.isEmpty() || (parsed.getAsInt() & ~0777) != 0) {
                throw xmlError("malformed octal mode");
            }
            mode = parsed.getAsInt();
        }
        long owner = id(perms.owner, "malformed owner element");
        long group = id(perms.group, "malformed group element");
        return new Permissions(mode, owner, group, XmlValues.text(perms.label));
    }

    /** A uid or gid: 0..2^32-1, or -1; (uid_t)-1 written out in full also means unset. */
    private static long id(List<VolumeTextElement> elements, String malformed) {
        if (elements.isEmpty()) {
            return -1;
        }
        String value = XmlValues.text(elements);
        OptionalLong parsed = value == null ? OptionalLong.empty() : StrToLong.longLong(value);
        if (parsed.isEmpty()) {
            throw xmlError(malformed);
        }
        long id = parsed.getAsLong();
        if ((id < 0 || id > 0xffffffffL) && id != -1) {
            throw xmlError(malformed);
        }
        return id == 0xffffffffL ? -1 : id;
    }

    /** Writes the element at the given depth (two spaces each), nothing when every part is unset. */
    static void format(StringBuilder out, int depth, Permissions perms) {
        if (perms.isUnset()) {
            return;
        }
        String indent = "  ".repeat(depth);
        out.append(indent).append("<permissions>\n");
        if (perms.mode() != -1) {
            out.append(indent).append("  <mode>0").append(Integer.toOctalString(perms.mode())).append("</mode>\n");
        }
        // libvirt prints ids as a C int
        if (perms.owner() != -1) {
            out.append(indent).append("  <owner>").append((int) perms.owner()).append("</owner>\n");
        }
        if (perms.group() != -1) {
            out.append(indent).append("  <group>").append((int) perms.group()).append("</group>\n");
        }
        if (perms.label() != null) {
            out.append(indent).append("  <label>").append(VolumeXmlFormatter.escape(perms.label()))
                    .append("</label>\n");
        }
        out.append(indent).append("</permissions>\n");
    }

    private static VirException xmlError(String message) {
        return VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE, message);
    }
}
