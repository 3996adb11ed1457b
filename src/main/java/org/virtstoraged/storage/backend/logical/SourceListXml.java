package org.virtstoraged.storage.backend.logical;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.virtstoraged.storage.backend.logical.LvmOutput.PvRow;

/**
 * virStoragePoolSourceListFormat for a logical pool: one {@code <source>} per volume group, in the order
 * pvs first names it, with its PVs as devices, its name and the format lvm2.
 */
final class SourceListXml {
    private SourceListXml() {
    }

    /** The groups and their PVs, in pvs order (virStorageBackendLogicalFindPoolSourcesFunc). */
    static Map<String, List<String>> groups(List<PvRow> rows) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (PvRow row : rows) {
            groups.computeIfAbsent(row.vg(), k -> new java.util.ArrayList<>()).add(row.pv());
        }
        return groups;
    }

    static String format(Map<String, List<String>> groups) {
        StringBuilder out = new StringBuilder("<sources>\n");
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            out.append("  <source>\n");
            for (String device : group.getValue()) {
                out.append("    <device path='").append(escape(device)).append("'/>\n");
            }
            out.append("    <name>").append(escape(group.getKey())).append("</name>\n");
            out.append("    <format type='lvm2'/>\n");
            out.append("  </source>\n");
        }
        return out.append("</sources>\n").toString();
    }

    /** virBufferEscapeString's XML escapes. */
    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '\'' -> b.append("&apos;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
