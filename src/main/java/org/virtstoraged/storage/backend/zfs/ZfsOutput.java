package org.virtstoraged.storage.backend.zfs;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.virtstoraged.util.StrToLong;

/**
 * Reads zfs and zpool output as libvirt 9.0 does: lines split on newlines, fields on single tabs (empty
 * fields count), a line with the wrong number of fields skipped, numbers as virStrToLong_ull reads them.
 */
final class ZfsOutput {
    private ZfsOutput() {
    }

    /** The size properties of "zpool get -Hp health,size,free,allocated"; a value left out stays empty. */
    record PoolSizes(OptionalLong size, OptionalLong free, OptionalLong allocated) {
    }

    /** A number libvirt cannot read ends the reading; what was read before it is kept. */
    record PoolReading(PoolSizes sizes, boolean complete) {
    }

    static PoolReading poolSizes(String stdout) {
        OptionalLong size = OptionalLong.empty();
        OptionalLong free = OptionalLong.empty();
        OptionalLong allocated = OptionalLong.empty();
        for (String line : lines(stdout)) {
            String[] fields = line.split("\t", -1);
            if (fields.length != 4) {
                continue;
            }
            String property = fields[1];
            if (!property.equals("size") && !property.equals("free") && !property.equals("allocated")) {
                continue;
            }
            OptionalLong value = StrToLong.unsignedLongLong(fields[2]);
            if (value.isEmpty()) {
                return new PoolReading(new PoolSizes(size, free, allocated), false);
            }
            switch (property) {
                case "size" -> size = value;
                case "free" -> free = value;
                default -> allocated = value;
            }
        }
        return new PoolReading(new PoolSizes(size, free, allocated), true);
    }

    /** One volume line of "zfs list -Hp -o name,volsize,refreservation": sizes still as printed. */
    record VolumeRow(String dataset, String volsize, String refreservation) {
        /** The volume's name: the dataset name after its last slash. */
        String name() {
            return dataset.substring(dataset.lastIndexOf('/') + 1);
        }
    }

    static List<VolumeRow> volumes(String stdout) {
        List<VolumeRow> rows = new ArrayList<>();
        for (String line : lines(stdout)) {
            String[] fields = line.split("\t", -1);
            if (fields.length == 3) {
                rows.add(new VolumeRow(fields[0], fields[1], fields[2]));
            }
        }
        return rows;
    }

    /** Whether zfs's usage text lists a volmode property (BSD's zfs and OpenZFS 0.7 on). */
    static boolean listsVolmode(String usage) {
        return usage.contains(" volmode ");
    }

    private static List<String> lines(String stdout) {
        List<String> lines = new ArrayList<>();
        for (String line : stdout.split("\n", -1)) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        return lines;
    }
}
