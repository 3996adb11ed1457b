package org.virtstoraged.storage.backend.logical;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads lvs, vgs and pvs output as libvirt's virCommandRunRegex does: the output is split at newlines,
 * a line starting with the tool's name has that name skipped, and every line the pattern finds a match
 * in (unanchored search, PCRE semantics) is one row; the other lines are ignored.
 */
final class LvmOutput {
    /** One lvs row: a segment of an LV (an LV with several segments has several rows). */
    record LvRow(String name, String origin, String uuid, String devices, String segtype, String stripes,
            String segSize, String extentSize, String size, String attr) {
    }

    record PvRow(String pv, String vg) {
    }

    /** "#" separates the columns: names may hold ':' (encrypted LVs) and devices ',' (striped LVs). */
    static final Pattern LVS_ROW = Pattern.compile("^\\s*(\\S+)#(\\S*)#(\\S+)#(\\S+)#(\\S+)#([0-9]+)#(\\S+)#([0-9]+)"
            + "#([0-9]+)#(\\S+)#?\\s*$");
    static final Pattern VGS_ROW = Pattern.compile("^\\s*(\\S+):([0-9]+):?\\s*$");
    static final Pattern PVS_ROW = Pattern.compile("^\\s*(\\S+)\\s+(\\S+)\\s*$");

    private LvmOutput() {
    }

    static List<LvRow> lvs(String output) {
        List<LvRow> rows = new ArrayList<>();
        for (Matcher m : matches(output, "lvs", LVS_ROW)) {
            rows.add(new LvRow(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7),
                    m.group(8), m.group(9), m.group(10)));
        }
        return rows;
    }

    /** vgs rows: {vg_size, vg_free} as the text lvm printed. */
    static List<String[]> vgs(String output) {
        List<String[]> rows = new ArrayList<>();
        for (Matcher m : matches(output, "vgs", VGS_ROW)) {
            rows.add(new String[] {m.group(1), m.group(2)});
        }
        return rows;
    }

    /** pvs rows of PVs that belong to a VG (a PV outside any VG has one column and no match). */
    static List<PvRow> pvs(String output) {
        List<PvRow> rows = new ArrayList<>();
        for (Matcher m : matches(output, "pvs", PVS_ROW)) {
            rows.add(new PvRow(m.group(1), m.group(2)));
        }
        return rows;
    }

    private static List<Matcher> matches(String output, String prefix, Pattern pattern) {
        List<Matcher> found = new ArrayList<>();
        if (output == null || output.isEmpty()) {
            return found;
        }
        for (String line : output.split("\n", -1)) {
            String text = line.startsWith(prefix) ? line.substring(prefix.length()) : line;
            Matcher m = pattern.matcher(text);
            if (m.find()) {
                found.add(m);
            }
        }
        return found;
    }
}
