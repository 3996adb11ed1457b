package org.virtstoraged.storage.backend.scsi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;

/**
 * libvirt's virvhba.c: the Fibre Channel hosts under /sys/class/fc_host, which of them can make vHBAs
 * (NPIV virtual ports), and the vport_create / vport_delete files that make and remove them.
 */
final class VhbaSysfs {
    enum VportOperation {
        CREATE("vport_create"), DELETE("vport_delete");

        final String file;

        VportOperation(String file) {
            this.file = file;
        }
    }

    private final HostPaths paths;

    VhbaSysfs(HostPaths paths) {
        this.paths = paths;
    }

    /** virVHBAPathExists: is hostN an FC host? */
    boolean isFcHost(long host) {
        return Files.exists(paths.fcHost(host));
    }

    /** virVHBAIsVportCapable: can hostN make virtual ports (an HBA rather than a vHBA)? */
    boolean isVportCapable(long host) {
        return Files.exists(paths.fcHost(host).resolve("vport_create"))
                || Files.exists(paths.scsiHost(host).resolve("vport_create"));
    }

    /** virVHBAGetHostByWWN: the FC host with this node and port name. */
    Optional<String> hostByWwn(String wwnn, String wwpn) {
        for (Path host : fcHosts()) {
            if (sameWwn(host.resolve("node_name"), wwnn) && sameWwn(host.resolve("port_name"), wwpn)) {
                return Optional.of(host.getFileName().toString());
            }
        }
        return Optional.empty();
    }

    /** virVHBAGetHostByFabricWWN: an HBA (it has vport_create, a vHBA has not) on that fabric. */
    Optional<String> hostByFabricWwn(String fabricWwn) {
        for (Path host : fcHosts()) {
            if (Files.exists(host.resolve("vport_create")) && sameWwn(host.resolve("fabric_name"), fabricWwn)) {
                return Optional.of(host.getFileName().toString());
            }
        }
        return Optional.empty();
    }

    /**
     * virVHBAFindVportHost: the first online HBA with a virtual port left. libvirt compares the counts as
     * strings (a longer one is larger), which is kept: it decides which HBA is chosen.
     */
    Optional<String> findVportHost() {
        for (Path host : fcHosts()) {
            String name = host.getFileName().toString();
            if (!name.startsWith("host") || !name.substring(4).matches("[0-9]+")) {
                continue;
            }
            Optional<String> state = config(host, "port_state");
            Optional<String> max = config(host, "max_npiv_vports");
            Optional<String> inUse = config(host, "npiv_vports_inuse");
            if (state.isEmpty() || !state.get().equals("Online") || max.isEmpty() || inUse.isEmpty()) {
                continue;
            }
            String m = max.get();
            String v = inUse.get();
            if (m.length() >= v.length() || (m.length() == v.length() && m.compareTo(v) > 0)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /**
     * virVHBAManageVport: writes "WWPN:WWNN" to the operation's file of the FC host, or of the SCSI host
     * when the FC host has none.
     */
    void manageVport(long parentHost, String wwpn, String wwnn, VportOperation operation) {
        Path file = paths.fcHost(parentHost).resolve(operation.file);
        if (!Files.exists(file)) {
            file = paths.scsiHost(parentHost).resolve(operation.file);
            if (!Files.exists(file)) {
                throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.NONE,
                        "vport operation '%s' is not supported for host%d", operation.file, parentHost);
            }
        }
        String vport = wwpn + ":" + wwnn;
        try {
            Files.writeString(file, vport, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw SystemErrors.of(e, ErrorDomain.NONE, "Write of '%s' to '%s' during vport create/delete failed",
                    vport, file);
        }
    }

    /** The hosts listed in /sys/class/fc_host, in directory order; none when it cannot be read. */
    private java.util.List<Path> fcHosts() {
        java.util.List<Path> hosts = new java.util.ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(paths.fcHosts())) {
            dir.forEach(hosts::add);
        } catch (IOException e) {
            // libvirt reports "cannot open directory", then the caller's own error replaces it
        }
        return hosts;
    }

    /** virVHBAGetConfig: the first line of an attribute, without a leading 0x. */
    private static Optional<String> config(Path host, String entry) {
        Path file = host.resolve(entry);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String value = firstLine(file);
            int hex = value.indexOf("0x");
            return Optional.of(hex >= 0 ? value.substring(hex + 2) : value);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** vhbaReadCompareWWN: a missing attribute is no match. */
    private static boolean sameWwn(Path file, String wwn) {
        if (!Files.exists(file)) {
            return false;
        }
        try {
            String value = firstLine(file);
            return (value.startsWith("0x") ? value.substring(2) : value).equals(wwn);
        } catch (IOException e) {
            return false;
        }
    }

    static String firstLine(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
