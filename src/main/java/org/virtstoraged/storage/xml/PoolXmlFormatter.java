package org.virtstoraged.storage.xml;

import java.util.Set;
import org.virtstoraged.storage.model.PciAddress;
import org.virtstoraged.storage.model.PoolAdapter;
import org.virtstoraged.storage.model.PoolAuth;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolFreeExtent;
import org.virtstoraged.storage.model.PoolHost;
import org.virtstoraged.storage.model.PoolSource;
import org.virtstoraged.storage.model.PoolSourceDevice;
import org.virtstoraged.storage.model.PoolSourceFormats;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.RbdConfigOption;
import org.virtstoraged.storage.xml.binding.PoolElement;

/**
 * virStoragePoolDefFormat(): element order, indentation, quoting and escaping as libvirt 9.0 writes them.
 * Where libvirt prints a value without escaping it (adapter names and WWNs, the secret type), so does this.
 */
final class PoolXmlFormatter {
    private final StringBuilder out = new StringBuilder();

    private PoolXmlFormatter() {
    }

    static String format(PoolDefinition def) {
        PoolXmlFormatter f = new PoolXmlFormatter();
        f.pool(def);
        return f.out.toString();
    }

    static String formatSourceList(PoolType type, java.util.List<PoolSource> sources) {
        PoolXmlFormatter f = new PoolXmlFormatter();
        f.line(0, "<sources>");
        sources.forEach(source -> f.source(source, type));
        f.line(0, "</sources>");
        return f.out.toString();
    }

    private void pool(PoolDefinition def) {
        boolean mountOptions = PoolTypeRules.readsMountOptions(def.type()) && !def.mountOptions().isEmpty();
        boolean rbdOptions = PoolTypeRules.readsRbdOptions(def.type()) && !def.rbdConfigOptions().isEmpty();
        String ns = mountOptions ? " xmlns:fs='" + PoolElement.FS_NAMESPACE + "'"
                : rbdOptions ? " xmlns:rbd='" + PoolElement.RBD_NAMESPACE + "'" : "";
        line(0, "<pool type='" + def.type().xmlName() + "'" + ns + ">");
        line(1, "<name>" + escape(def.name()) + "</name>");
        line(1, "<uuid>" + def.uuid() + "</uuid>");
        line(1, "<capacity unit='bytes'>" + Long.toUnsignedString(def.capacity()) + "</capacity>");
        line(1, "<allocation unit='bytes'>" + Long.toUnsignedString(def.allocation()) + "</allocation>");
        line(1, "<available unit='bytes'>" + Long.toUnsignedString(def.available()) + "</available>");
        def.cow().ifPresent(cow -> {
            line(1, "<features>");
            line(2, "<cow state='" + (cow ? "yes" : "no") + "'/>");
            line(1, "</features>");
        });
        source(def.source(), def.type());
        if (PoolTypeRules.hasTarget(def.type())) {
            line(1, "<target>");
            def.targetPath().ifPresent(path -> line(2, "<path>" + escape(path) + "</path>"));
            PermissionsXml.format(out, 2, def.targetPermissions());
            line(1, "</target>");
        }
        def.refreshVolumeAllocation().ifPresent(allocation -> {
            line(1, "<refresh>");
            line(2, "<volume allocation='" + allocation.xmlName() + "'/>");
            line(1, "</refresh>");
        });
        if (mountOptions) {
            line(1, "<fs:mount_opts>");
            for (String option : def.mountOptions()) {
                line(2, "<fs:option name='" + escape(option) + "'/>");
            }
            line(1, "</fs:mount_opts>");
        }
        if (rbdOptions) {
            line(1, "<rbd:config_opts>");
            for (RbdConfigOption option : def.rbdConfigOptions()) {
                line(2, "<rbd:option name='" + escape(option.name()) + "' value='" + escape(option.value()) + "'/>");
            }
            line(1, "</rbd:config_opts>");
        }
        line(0, "</pool>");
    }

    /** virStoragePoolSourceFormat(): the type's flags decide which parts are written. */
    private void source(PoolSource src, PoolType type) {
        Set<PoolTypeRules> rules = PoolTypeRules.of(type);
        line(1, "<source>");
        if (rules.contains(PoolTypeRules.HOST)) {
            for (PoolHost host : src.hosts()) {
                line(2, "<host name='" + escape(host.name()) + "'" + (host.port() != 0 ? " port='" + host.port() + "'"
                        : "") + "/>");
            }
        }
        if (rules.contains(PoolTypeRules.DEVICE)) {
            src.devices().forEach(this::device);
        }
        if (rules.contains(PoolTypeRules.DIR)) {
            src.dir().ifPresent(dir -> line(2, "<dir path='" + escape(dir) + "'/>"));
        }
        if (rules.contains(PoolTypeRules.ADAPTER)) {
            src.adapter().ifPresent(this::adapter);
        }
        if (rules.contains(PoolTypeRules.NAME)) {
            src.name().ifPresent(name -> line(2, "<name>" + escape(name) + "</name>"));
        }
        if (rules.contains(PoolTypeRules.INITIATOR_IQN)) {
            src.initiatorIqn().ifPresent(iqn -> {
                line(2, "<initiator>");
                line(3, "<iqn name='" + escape(iqn) + "'/>");
                line(2, "</initiator>");
            });
        }
        // libvirt's format is a number: a type with source formats always writes one (0 when never set)
        PoolSourceFormats.forPool(type).ifPresent(formats -> line(2, "<format type='"
                + src.format().orElse(formats.names().get(0)) + "'/>"));
        src.auth().ifPresent(this::auth);
        src.protocolVersion().ifPresent(ver -> line(2, "<protocol ver='" + escape(ver) + "'/>"));
        src.vendor().ifPresent(vendor -> line(2, "<vendor name='" + escape(vendor) + "'/>"));
        src.product().ifPresent(product -> line(2, "<product name='" + escape(product) + "'/>"));
        line(1, "</source>");
    }

    private void device(PoolSourceDevice device) {
        StringBuilder start = new StringBuilder("<device path='").append(escape(device.path())).append("'");
        device.partSeparatorSetting().ifPresent(p -> start.append(" part_separator='").append(p ? "yes" : "no")
                .append("'"));
        if (device.freeExtents().isEmpty()) {
            line(2, start.append("/>").toString());
            return;
        }
        line(2, start.append(">").toString());
        for (PoolFreeExtent extent : device.freeExtents()) {
            line(3, "<freeExtent start='" + Long.toUnsignedString(extent.start()) + "' end='"
                    + Long.toUnsignedString(extent.end()) + "'/>");
        }
        line(2, "</device>");
    }

    private void adapter(PoolAdapter adapter) {
        if (adapter instanceof PoolAdapter.FcHost fc) {
            StringBuilder a = new StringBuilder("<adapter type='fc_host'");
            attribute(a, "parent", fc.parent());
            attribute(a, "parent_wwnn", fc.parentWwnn());
            attribute(a, "parent_wwpn", fc.parentWwpn());
            attribute(a, "parent_fabric_wwn", fc.parentFabricWwn());
            if (fc.managed() != null) {
                a.append(" managed='").append(fc.managed() ? "yes" : "no").append("'");
            }
            a.append(" wwnn='").append(fc.wwnn()).append("' wwpn='").append(fc.wwpn()).append("'/>");
            line(2, a.toString());
        } else if (adapter instanceof PoolAdapter.ScsiHost scsi) {
            if (scsi.name() != null) {
                line(2, "<adapter type='scsi_host' name='" + scsi.name() + "'/>");
                return;
            }
            line(2, "<adapter type='scsi_host'>");
            line(3, "<parentaddr unique_id='" + scsi.uniqueId() + "'>");
            PciAddress pci = scsi.parentAddress() == null ? new PciAddress(0, 0, 0, 0) : scsi.parentAddress();
            // libvirt writes the function in decimal after its 0x
            line(4, String.format("<address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%d'/>",
                    pci.domain(), pci.bus(), pci.slot(), pci.function()));
            line(3, "</parentaddr>");
            line(2, "</adapter>");
        }
    }

    private void auth(PoolAuth auth) {
        line(2, "<auth type='" + auth.type().xmlName() + "' username='" + escape(auth.username()) + "'>");
        StringBuilder secret = new StringBuilder("<secret");
        if (auth.secretType() != null) {
            secret.append(" type='").append(auth.secretType()).append("'");
        }
        if (auth.secretUuid() != null) {
            secret.append(" uuid='").append(auth.secretUuid()).append("'");
        } else if (auth.secretUsage() != null) {
            secret.append(" usage='").append(escape(auth.secretUsage())).append("'");
        }
        line(3, secret.append("/>").toString());
        line(2, "</auth>");
    }

    private static void attribute(StringBuilder element, String name, String value) {
        if (value != null) {
            element.append(' ').append(name).append("='").append(escape(value)).append("'");
        }
    }

    private void line(int depth, String text) {
        out.append("  ".repeat(depth)).append(text).append('\n');
    }

    private static String escape(String value) {
        return VolumeXmlFormatter.escape(value);
    }
}
