package org.virtstoraged.storage.backend.scsi;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.command.ProcessCommandRunner;

/**
 * A sysfs and /dev tree made in a temporary directory, shaped as the kernel lays them out and as libvirt's
 * tests model them (tests/scsihosttest.c: SCSI hosts under the PCI devices 0000:00:1f.1 and 0000:00:1f.2
 * with unique_id files, reached through /sys/class/scsi_host links; tests/fchostdata: an Online HBA host5 with
 * vport_create, a Linkdown HBA host4, a vHBA host6 without it). Attribute values follow those files; nothing
 * of them is copied.
 *
 * <p>LUs of host0 (at 0000:00:1f.2, unique_id 1): 0:0:0:0 a disk (sda), 0:0:1:0 a CD-ROM (sr0), 0:0:2:0 a
 * tape (type 1, no volume), 0:0:3:0 a disk in the old "block:sdc" layout, 0:0:4:0 a disk (sdd) that udev gave
 * no by-path link. host1 (at 0000:00:1f.2, unique_id 2) has 1:0:0:0, a disk (sdb). Block devices are regular
 * files of known sizes; /dev/disk/by-path has the links of sda, sr0, sdb and sdc.
 */
final class ScsiSysfsFixture {
    static final long SDA = 8L << 20;
    static final long SR0 = 2L << 20;
    static final long SDB = 4L << 20;
    static final long SDC = 1L << 20;
    static final long SDD = 3L << 20;

    final Path sys;
    final Path dev;

    ScsiSysfsFixture(Path root) throws IOException {
        sys = Files.createDirectories(root.resolve("sys"));
        dev = Files.createDirectories(root.resolve("dev"));
        scsiHost("0000:00:1f.1/ata1", 2, "1");
        scsiHost("0000:00:1f.1/ata2", 3, "2");
        Path host0 = scsiHost("0000:00:1f.2/ata1", 0, "1");
        Path host1 = scsiHost("0000:00:1f.2/ata2", 1, "2");
        lun(host0, "0:0:0:0", "0", "sda", false);
        lun(host0, "0:0:1:0", "5", "sr0", false);
        lun(host0, "0:0:2:0", "1", "st0", false);
        lun(host0, "0:0:3:0", "0", "sdc", true);
        lun(host0, "0:0:4:0", "0", "sdd", false);
        lun(host1, "1:0:0:0", "0", "sdb", false);
        node("sda", SDA);
        node("sr0", SR0);
        node("sdb", SDB);
        node("sdc", SDC);
        node("sdd", SDD);
        byPath("pci-0000:00:1f.2-ata-1.0", "sda");
        byPath("pci-0000:00:1f.2-ata-1.1", "sr0");
        byPath("pci-0000:00:1f.2-ata-1.3", "sdc");
        byPath("pci-0000:00:1f.2-ata-2.0", "sdb");
        Files.createDirectories(sys.resolve("class/fc_host"));
    }

    HostPaths paths() {
        return new HostPaths(sys, dev);
    }

    /** The host's device directory, its scsi_host class entry (scan, unique_id) and the class link. */
    private Path scsiHost(String pciPort, int host, String uniqueId) throws IOException {
        Path device = Files.createDirectories(sys.resolve("devices/pci0000:00/" + pciPort + "/host" + host));
        Path cls = Files.createDirectories(device.resolve("scsi_host/host" + host));
        Files.writeString(cls.resolve("unique_id"), uniqueId + "\n");
        Files.writeString(cls.resolve("scan"), "");
        Path classDir = Files.createDirectories(sys.resolve("class/scsi_host"));
        Files.createSymbolicLink(classDir.resolve("host" + host), classDir.relativize(cls));
        return device;
    }

    private void lun(Path hostDevice, String address, String type, String block, boolean oldLayout)
            throws IOException {
        String[] parts = address.split(":");
        Path lu = Files.createDirectories(hostDevice.resolve("target" + parts[0] + ":" + parts[1] + ":" + parts[2])
                .resolve(address));
        Files.writeString(lu.resolve("type"), type + "\n");
        if (oldLayout) {
            Files.createDirectories(lu.resolve("block:" + block));
        } else {
            Files.createDirectories(lu.resolve("block/" + block));
        }
        Path bus = Files.createDirectories(sys.resolve("bus/scsi/devices"));
        Files.createSymbolicLink(bus.resolve(address), bus.relativize(lu));
    }

    private void node(String name, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dev.resolve(name).toFile(), "rw")) {
            f.setLength(size);
        }
    }

    private void byPath(String link, String node) throws IOException {
        Path dir = Files.createDirectories(dev.resolve("disk/by-path"));
        Files.createSymbolicLink(dir.resolve(link), Path.of("../../" + node));
    }

    /** An FC host: its attributes, and for an HBA vport_create/vport_delete (empty files to be written to). */
    Path fcHost(int host, String nodeName, String portName, String state, boolean hba) throws IOException {
        Path dir = Files.createDirectories(sys.resolve("class/fc_host/host" + host));
        Files.writeString(dir.resolve("node_name"), "0x" + nodeName + "\n");
        Files.writeString(dir.resolve("port_name"), "0x" + portName + "\n");
        Files.writeString(dir.resolve("port_state"), state + "\n");
        if (hba) {
            Files.writeString(dir.resolve("fabric_name"), "0x2001000dec9877c1\n");
            Files.writeString(dir.resolve("max_npiv_vports"), "127\n");
            Files.writeString(dir.resolve("npiv_vports_inuse"), "0\n");
            Files.writeString(dir.resolve("vport_create"), "");
            Files.writeString(dir.resolve("vport_delete"), "");
        }
        return dir;
    }

    /**
     * What the kernel makes when a vport_create is written: vHBA hostN with these names (an fc_host entry, a
     * scsi_host entry with its scan file), its device under the parent's PCI port, no LUs yet.
     */
    Path vhba(int host, String nodeName, String portName) throws IOException {
        fcHost(host, nodeName, portName, "Online", false);
        return scsiHost("0000:00:1f.4/host5/vport-5:0-0", host, "9");
    }

    /**
     * A command runner that runs every command for real but "udevadm settle", where it plays the kernel: once
     * the HBA's vport_create has been written, vHBA hostN with these names is there ({@link #vhba}).
     */
    CommandRunner settleMakesVhba(Path hba, int host, String nodeName, String portName) {
        CommandRunner real = new ProcessCommandRunner();
        return argv -> {
            if (!argv.equals(List.of("udevadm", "settle"))) {
                return real.run(argv);
            }
            try {
                if (!Files.readString(hba.resolve("vport_create")).isEmpty()
                        && !Files.exists(sys.resolve("class/fc_host/host" + host))) {
                    vhba(host, nodeName, portName);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new CommandResult(0, "", "");
        };
    }

    /** A disk LU that comes up on a host: its sysfs entry, its /dev node of that size and its by-path link. */
    void disk(Path hostDevice, String address, String block, long size, String byPathLink) throws IOException {
        lun(hostDevice, address, "0", block, false);
        node(block, size);
        byPath(byPathLink, block);
    }

    /**
     * A stand-in for /lib/udev/scsi_id: the serial is "SERIAL-" and the device's last path element; with
     * --export it prints udev's variables, target port 1.
     */
    Path scsiId(Path dir) throws IOException {
        Path script = dir.resolve("scsi_id");
        Files.writeString(script, String.join("\n", "#!/bin/sh",
                "for a in \"$@\"; do dev=$a; done",
                "serial=SERIAL-$(basename \"$dev\")",
                "case \" $* \" in",
                "  *' --export '*) printf 'ID_SCSI=1\\nID_SERIAL=%s\\nID_TARGET_PORT=1\\n' \"$serial\";;",
                "  *) printf '%s\\n' \"$serial\";;",
                "esac", ""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
