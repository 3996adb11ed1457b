package org.virtstoraged.storage.xml;

import java.util.Optional;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.DiskPartitionFormat;
import org.virtstoraged.storage.model.FileFormat;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeBackingStore;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.model.VolumeExtent;
import org.virtstoraged.storage.model.VolumeFeature;
import org.virtstoraged.storage.model.VolumeFormats;
import org.virtstoraged.storage.model.VolumeTimestamps;

/** virStorageVolDefFormat(): element order, indentation, quoting and escaping as libvirt 9.0 writes them. */
final class VolumeXmlFormatter {
    private final StringBuilder out = new StringBuilder();
    private final Optional<VolumeFormats> formats;

    private VolumeXmlFormatter(Optional<VolumeFormats> formats) {
        this.formats = formats;
    }

    static String format(PoolType poolType, VolumeDefinition vol) {
        VolumeXmlFormatter f = new VolumeXmlFormatter(VolumeFormats.forPool(poolType));
        f.volume(vol);
        return f.out.toString();
    }

    private void volume(VolumeDefinition vol) {
        line(0, "<volume type='" + vol.type().xmlName() + "'>");
        line(1, "<name>" + escape(vol.name()) + "</name>");
        if (vol.key() != null) {
            line(1, "<key>" + escape(vol.key()) + "</key>");
        }
        if (!vol.extents().isEmpty()) {
            line(1, "<source>");
            extents(vol);
            line(1, "</source>");
        }
        line(1, "<capacity unit='bytes'>" + Long.toUnsignedString(vol.capacity()) + "</capacity>");
        line(1, "<allocation unit='bytes'>" + Long.toUnsignedString(vol.allocation()) + "</allocation>");
        // physical is only ever reported, and only once a refresh has measured it
        if (vol.physical() != 0) {
            line(1, "<physical unit='bytes'>" + Long.toUnsignedString(vol.physical()) + "</physical>");
        }
        line(1, "<target>");
        if (vol.targetPath().isPresent()) {
            line(2, "<path>" + escape(vol.targetPath().get()) + "</path>");
        }
        format(vol.targetFormat());
        permissions(vol.targetPermissions());
        vol.timestamps().ifPresent(this::timestamps);
        vol.encryption().ifPresent(this::encryption);
        vol.compat().ifPresent(c -> line(2, "<compat>" + escape(c) + "</compat>"));
        if (vol.clusterSize() != 0) {
            line(2, "<clusterSize unit='B'>" + Long.toUnsignedString(vol.clusterSize()) + "</clusterSize>");
        }
        if (vol.hasFeatures()) {
            features(vol);
        }
        line(1, "</target>");
        if (vol.backingStore().isPresent()) {
            VolumeBackingStore backing = vol.backingStore().get();
            line(1, "<backingStore>");
            line(2, "<path>" + escape(backing.path()) + "</path>");
            format(backing.format());
            permissions(backing.permissions());
            if (backing.timestamps() != null) {
                timestamps(backing.timestamps());
            }
            line(1, "</backingStore>");
        }
        line(0, "</volume>");
    }

    /** Consecutive extents on the same device share one {@code <device>} element. */
    private void extents(VolumeDefinition vol) {
        String device = null;
        for (VolumeExtent extent : vol.extents()) {
            if (device == null || !device.equals(extent.path())) {
                if (device != null) {
                    line(2, "</device>");
                }
                line(2, "<device path='" + escape(extent.path()) + "'>");
            }
            line(3, "<extent start='" + Long.toUnsignedString(extent.start()) + "' end='"
                    + Long.toUnsignedString(extent.end()) + "'/>");
            device = extent.path();
        }
        line(2, "</device>");
    }

    private void format(String name) {
        if (formats.isEmpty()) {
            return;
        }
        VolumeFormats family = formats.get();
        String written = name == null ? family.names().get(0) : name;
        if (!family.names().contains(written)) {
            int number = FileFormat.fromXmlName(written).map(FileFormat::number)
                    .or(() -> DiskPartitionFormat.fromXmlName(written).map(DiskPartitionFormat::number))
                    .orElse(-1);
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "unknown volume format number %d",
                    number);
        }
        line(2, "<format type='" + written + "'/>");
    }

    private void permissions(Permissions perms) {
        PermissionsXml.format(out, 2, perms);
    }

    private void timestamps(VolumeTimestamps ts) {
        line(2, "<timestamps>");
        time("atime", ts.atime());
        time("mtime", ts.mtime());
        time("ctime", ts.ctime());
        time("btime", ts.btime());
        line(2, "</timestamps>");
    }

    private void time(String element, VolumeTimestamps.Time time) {
        if (time == null) {
            return;
        }
        String fraction = time.nanos() == 0 ? "" : String.format(".%09d", time.nanos());
        line(3, "<" + element + ">" + Long.toUnsignedString(time.seconds()) + fraction + "</" + element + ">");
    }

    private void encryption(VolumeEncryption enc) {
        if (enc.engine() == VolumeEncryption.Engine.DEFAULT) {
            line(2, "<encryption format='" + enc.format().xmlName() + "'>");
        } else {
            line(2, "<encryption format='" + enc.format().xmlName() + "' engine='" + enc.engine().xmlName() + "'>");
        }
        for (VolumeEncryption.Secret secret : enc.secrets()) {
            if (secret.uuid() != null) {
                line(3, "<secret type='passphrase' uuid='" + secret.uuid() + "'/>");
            } else if (secret.usage() != null) {
                line(3, "<secret type='passphrase' usage='" + escape(secret.usage()) + "'/>");
            } else {
                line(3, "<secret type='passphrase'/>");
            }
        }
        VolumeEncryption.Cipher cipher = enc.cipher();
        if (enc.format() == VolumeEncryption.Format.LUKS && cipher != null) {
            StringBuilder c = new StringBuilder("<cipher name='").append(escape(cipher.name())).append("'")
                    .append(" size='").append(cipher.size()).append("'");
            if (cipher.mode() != null) {
                c.append(" mode='").append(escape(cipher.mode())).append("'");
            }
            if (cipher.hash() != null) {
                c.append(" hash='").append(escape(cipher.hash())).append("'");
            }
            line(3, c.append("/>").toString());
            VolumeEncryption.Ivgen ivgen = enc.ivgen();
            if (ivgen != null) {
                StringBuilder iv = new StringBuilder("<ivgen name='").append(escape(ivgen.name())).append("'");
                if (ivgen.hash() != null) {
                    iv.append(" hash='").append(escape(ivgen.hash())).append("'");
                }
                line(3, iv.append("/>").toString());
            }
        }
        line(2, "</encryption>");
    }

    private void features(VolumeDefinition vol) {
        if (vol.features().isEmpty()) {
            line(2, "<features/>");
            return;
        }
        line(2, "<features>");
        for (VolumeFeature feature : VolumeFeature.values()) {
            if (vol.features().contains(feature)) {
                line(3, "<" + feature.xmlName() + "/>");
            }
        }
        line(2, "</features>");
    }

    private void line(int depth, String text) {
        out.append("  ".repeat(depth)).append(text).append('\n');
    }

    /**
     * virBufferEscapeString(): the five XML specials become entities; the C0 control characters other
     * than tab, newline and carriage return (up to 0x19) are dropped. A C string ends at NUL.
     */
    static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case 0 -> {
                    return escaped.toString();
                }
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                default -> {
                    if (c > 0x19 || c == '\t' || c == '\n' || c == '\r') {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
