package org.virtstoraged.storage.backend.disk;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * A device's partition table as libvirt's disk backend sees it. libvirt lists partitions with its own
 * helper, libvirt_parthelper, which walks libparted's partition list (ped_disk_next_partition) and prints
 * for each entry a device path (or "-"), a type (normal, logical, extended), a content (data, free,
 * metadata) and its byte range. This class reads the same libparted list through parted's own printout:
 * {@code parted -a cylinder -s DEV unit B print free unit chs print}. "-a cylinder" makes parted keep
 * libparted's cylinder alignment of msdos labels, as the helper does, so the free regions are the helper's;
 * "unit B" gives byte ranges with an inclusive end (the helper's end is exclusive); the msdos Type column
 * tells primary, extended and logical partitions apart; a free region inside the extended partition is
 * libparted's logical free space. Metadata regions, which libvirt skips, are not printed by parted. The
 * "unit chs print" part gives the BIOS geometry (cylinders, heads, sectors) the helper's "-g" prints.
 */
record PartitionTable(String label, long cylinders, int heads, int sectors, List<Entry> entries) {

    enum Kind { NORMAL, LOGICAL, EXTENDED }

    /**
     * One entry of the list: a partition (number > 0) or a free region (number 0).
     *
     * @param start first byte
     * @param end   byte after the entry
     */
    record Entry(int number, Kind kind, boolean free, long start, long end) {
        long length() {
            return end - start;
        }
    }

    private static final Pattern GEOMETRY =
            Pattern.compile("^BIOS cylinder,head,sector geometry: (\\d+),(\\d+),(\\d+)\\.", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("^Partition Table: (\\S+)$", Pattern.MULTILINE);

    static List<String> command(String parted, String device) {
        return List.of(parted, "-a", "cylinder", "-s", device, "unit", "B", "print", "free", "unit", "chs",
                "print");
    }

    long cylinderBytes() {
        return (long) heads * sectors * 512L;
    }

    Optional<Entry> extended() {
        return entries.stream().filter(e -> e.kind() == Kind.EXTENDED).findFirst();
    }

    /** Parses what {@link #command} printed. */
    static PartitionTable parse(String output) {
        Matcher label = LABEL.matcher(output);
        Matcher geometry = GEOMETRY.matcher(output);
        if (!label.find() || !geometry.find()) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                    "cannot parse the partition table printed by parted: %s", output);
        }
        String[] lines = output.split("\n", -1);
        int header = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("Number ") && lines[i].contains(" Start ")) {
                header = i;
                break;
            }
        }
        List<Entry> parsed = new ArrayList<>();
        if (header >= 0) {
            String h = lines[header];
            int start = h.indexOf("Start");
            int end = h.indexOf("End");
            int size = h.indexOf("Size");
            int type = h.indexOf("Type");
            for (int i = header + 1; i < lines.length && !lines[i].isBlank(); i++) {
                String line = lines[i];
                String number = slice(line, 0, start);
                long from = bytes(slice(line, start, end));
                long to = bytes(slice(line, end, size)) + 1;
                boolean free = line.contains("Free Space") && number.isEmpty();
                Kind kind = Kind.NORMAL;
                if (type >= 0 && !free) {
                    String t = slice(line, type, line.length()).split(" ")[0];
                    kind = switch (t) {
                        case "extended" -> Kind.EXTENDED;
                        case "logical" -> Kind.LOGICAL;
                        default -> Kind.NORMAL;
                    };
                }
                parsed.add(new Entry(free ? 0 : Integer.parseInt(number), kind, free, from, to));
            }
        }
        // libparted's free space inside the extended partition is logical free space
        Optional<Entry> ext = parsed.stream().filter(e -> e.kind() == Kind.EXTENDED).findFirst();
        List<Entry> entries = new ArrayList<>();
        for (Entry e : parsed) {
            if (e.free() && ext.isPresent() && e.start() >= ext.get().start() && e.end() <= ext.get().end()) {
                e = new Entry(0, Kind.LOGICAL, true, e.start(), e.end());
            }
            entries.add(e);
        }
        return new PartitionTable(label.group(1), Long.parseLong(geometry.group(1)),
                Integer.parseInt(geometry.group(2)), Integer.parseInt(geometry.group(3)), List.copyOf(entries));
    }

    private static String slice(String line, int from, int to) {
        if (from >= line.length()) {
            return "";
        }
        return line.substring(from, Math.min(to, line.length())).trim();
    }

    private static long bytes(String value) {
        if (!value.endsWith("B")) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                    "cannot parse device location '%s'", value);
        }
        return Long.parseLong(value.substring(0, value.length() - 1));
    }
}
