package org.virtstoraged.storage.model;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The host lookups libvirt's source-conflict check makes in sysfs: which SCSI host sits at a PCI address (with a
 * unique_id), and which FC host is the vHBA with a WWNN/WWPN pair. An interface so tests can answer for the host.
 */
public interface ScsiHostLookup {
    /** virSCSIHostGetNameByParentaddr(): the "hostN" name, or empty when none matches. */
    Optional<String> hostByParentAddress(PciAddress address, int uniqueId);

    /** virVHBAGetHostByWWN(): the "hostN" name of the FC host, or empty when none matches. */
    Optional<String> hostByWwn(String wwnn, String wwpn);

    /** Answers nothing: for hosts without SCSI or FC adapters. */
    ScsiHostLookup NONE = new ScsiHostLookup() {
        @Override
        public Optional<String> hostByParentAddress(PciAddress address, int uniqueId) {
            return Optional.empty();
        }

        @Override
        public Optional<String> hostByWwn(String wwnn, String wwpn) {
            return Optional.empty();
        }
    };

    /** The lookups on this machine's /sys/class/scsi_host and /sys/class/fc_host. */
    static ScsiHostLookup sysfs() {
        return new Sysfs(Path.of("/sys/class/scsi_host"), Path.of("/sys/class/fc_host"));
    }

    /** Reads sysfs the way libvirt does; any read failure means "not found". */
    record Sysfs(Path scsiHosts, Path fcHosts) implements ScsiHostLookup {
        @Override
        public Optional<String> hostByParentAddress(PciAddress a, int uniqueId) {
            String pci = String.format("%04x:%02x:%02x.%01x", a.domain(), a.bus(), a.slot(), a.function());
            try (DirectoryStream<Path> hosts = Files.newDirectoryStream(scsiHosts)) {
                for (Path host : hosts) {
                    // each entry links to the adapter's device path, which contains its PCI address
                    if (!Files.isSymbolicLink(host) || !host.toRealPath().toString().contains(pci)) {
                        continue;
                    }
                    Path id = host.resolve("unique_id");
                    if (Files.exists(id) && firstLine(id).equals(Integer.toUnsignedString(uniqueId))) {
                        return Optional.of(host.getFileName().toString());
                    }
                }
            } catch (IOException e) {
                return Optional.empty();
            }
            return Optional.empty();
        }

        @Override
        public Optional<String> hostByWwn(String wwnn, String wwpn) {
            try (DirectoryStream<Path> hosts = Files.newDirectoryStream(fcHosts)) {
                for (Path host : hosts) {
                    if (sameWwn(host.resolve("node_name"), wwnn) && sameWwn(host.resolve("port_name"), wwpn)) {
                        return Optional.of(host.getFileName().toString());
                    }
                }
            } catch (IOException e) {
                return Optional.empty();
            }
            return Optional.empty();
        }

        private static boolean sameWwn(Path file, String wwn) throws IOException {
            if (!Files.exists(file)) {
                return false;
            }
            String value = firstLine(file);
            return (value.startsWith("0x") ? value.substring(2) : value).equals(wwn);
        }

        private static String firstLine(Path file) throws IOException {
            String text = Files.readString(file);
            int newline = text.indexOf('\n');
            return newline < 0 ? text : text.substring(0, newline);
        }
    }
}
