package org.virtstoraged.storage.backend.mpath;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;

/**
 * The device-mapper maps libvirt lists through libdevmapper (DM_DEVICE_LIST, then DM_DEVICE_TABLE and
 * DM_DEVICE_INFO per map), read here from dmsetup, the tool of the same library:
 * <ul>
 * <li>{@code dmsetup ls --target multipath}: "NAME\t(MAJOR:MINOR)" per map with a multipath target ("(MAJOR,
 * MINOR)" from older dmsetup), or "No devices found";</li>
 * <li>{@code dmsetup table NAME}: "START LENGTH TYPE PARAMS" per target. libvirt takes a map whose first
 * target is multipath, where the listing takes any; the table tells them apart.</li>
 * </ul>
 */
final class DmsetupMaps {
    static final String DMSETUP = "dmsetup";
    private static final Pattern LISTED = Pattern.compile("(.+)\\t\\((\\d+)(?::|, )(\\d+)\\)");

    /** A map: its name (its node is /dev/mapper/NAME) and minor number (its dm-N). */
    record MapDevice(String name, long minor) {
    }

    /** What the listing gave: the maps in its order, or failed when device-mapper could not be asked. */
    record Listing(boolean failed, List<MapDevice> maps) {
    }

    private final CommandRunner runner;
    private final String dmsetup;

    DmsetupMaps(CommandRunner runner, String dmsetup) {
        this.runner = runner;
        this.dmsetup = dmsetup;
    }

    /** The maps that have a multipath target, as dmsetup lists them. */
    Listing multipathMaps() {
        CommandResult r = runner.run(List.of(dmsetup, "ls", "--target", "multipath"));
        if (!r.succeeded()) {
            return new Listing(true, List.of());
        }
        List<MapDevice> maps = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            Matcher m = LISTED.matcher(line);
            if (m.matches()) {
                maps.add(new MapDevice(m.group(1), Long.parseLong(m.group(3))));
            }
        }
        return new Listing(false, maps);
    }

    /**
     * virStorageBackendIsMultipath: is the map's first target a multipath one? Empty when dmsetup cannot
     * tell (the map went away, say), which ends libvirt's walk through the maps.
     */
    Optional<Boolean> firstTargetIsMultipath(String name) {
        CommandResult r = runner.run(List.of(dmsetup, "table", name));
        if (!r.succeeded()) {
            return Optional.empty();
        }
        String first = r.stdout().lines().findFirst().orElse("");
        String[] fields = first.trim().split("\\s+");
        return Optional.of(fields.length >= 3 && fields[2].equals("multipath"));
    }
}
