package org.virtstoraged.storage.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.PathSanitizer;
import org.virtstoraged.storage.model.PoolHost;
import org.virtstoraged.storage.model.PoolSource;
import org.virtstoraged.storage.model.PoolSourceDevice;
import org.virtstoraged.storage.model.PoolSourceFormats;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.xml.binding.PoolAdapterElement;
import org.virtstoraged.storage.xml.binding.PoolAttributesElement;
import org.virtstoraged.storage.xml.binding.PoolAuthElement;
import org.virtstoraged.storage.xml.binding.PoolDeviceElement;
import org.virtstoraged.storage.xml.binding.PoolHostElement;
import org.virtstoraged.storage.xml.binding.PoolSourceElement;

/** virStoragePoolDefParseSource(): one {@code <source>} element, same checks, same order, same messages. */
final class PoolSourceParser {
    private PoolSourceParser() {
    }

    /** A source for a pool that has no {@code <source>} element: only the default format. */
    static PoolSource.Builder absent(PoolType type) {
        return PoolSource.builder().format(PoolSourceFormats.forPool(type).map(PoolSourceFormats::defaultFormat)
                .orElse(null));
    }

    static PoolSource.Builder parse(PoolSourceElement src, PoolType type) {
        PoolSource.Builder source = PoolSource.builder();
        String name = XmlValues.text(src.name);
        if (type == PoolType.RBD && name == null) {
            throw xmlError("element 'name' is mandatory for RBD pool");
        }
        source.name(name);

        // pool types without source formats leave libvirt's format number at 0
        int formatNumber = 0;
        Optional<PoolSourceFormats> formats = PoolSourceFormats.forPool(type);
        if (formats.isPresent()) {
            String format = XmlValues.attribute(src.format, (PoolAttributesElement f) -> f.type);
            if (format == null) {
                format = formats.get().defaultFormat();
            }
            OptionalInt number = formats.get().number(format);
            if (number.isEmpty()) {
                throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                        "unknown pool format type %s", format);
            }
            formatNumber = number.getAsInt();
            source.format(format);
        }

        List<PoolHost> hosts = new ArrayList<>();
        for (PoolHostElement host : src.host) {
            if (host.name == null) {
                throw xmlError("missing storage pool host name");
            }
            hosts.add(new PoolHost(host.name, XmlProps.integer(host.port, 10, 0, "port", "host")));
        }
        source.hosts(hosts);

        source.initiatorIqn(XmlValues.attribute(XmlValues.children(src.initiator, i -> i.iqn),
                (PoolAttributesElement iqn) -> iqn.name));

        List<PoolSourceDevice> devices = new ArrayList<>();
        for (PoolDeviceElement device : src.device) {
            if (device.path == null) {
                throw xmlError("missing storage pool source device path");
            }
            Boolean partSeparator = XmlProps.tristateBool(device.partSeparator, "part_separator", "device");
            devices.add(new PoolSourceDevice(device.path, partSeparator, List.of()));
        }
        source.devices(devices);

        String dir = XmlValues.attribute(src.dir, (PoolAttributesElement d) -> d.path);
        if (dir != null) {
            source.dir(PathSanitizer.sanitize(dir));
        } else if (type == PoolType.GLUSTER) {
            source.dir("/");
        }

        PoolAdapterElement adapter = XmlValues.first(src.adapter);
        if (adapter != null) {
            source.adapter(PoolAdapterParser.parse(adapter));
        }

        PoolAuthElement auth = XmlValues.first(src.auth);
        if (auth != null) {
            source.auth(PoolAuthParser.parse(auth));
        }

        String protocol = XmlValues.attribute(src.protocol, (PoolAttributesElement p) -> p.ver);
        if (protocol != null) {
            checkProtocol(protocol, formatNumber);
            source.protocolVersion(protocol);
        }

        source.vendor(XmlValues.attribute(src.vendor, (PoolAttributesElement v) -> v.name));
        source.product(XmlValues.attribute(src.product, (PoolAttributesElement p) -> p.name));
        return source;
    }

    /**
     * An NFS version is only valid with format auto or nfs. libvirt compares the format's number, whatever the
     * pool type, and names it with the netfs names (a number beyond them prints as "(null)").
     */
    private static void checkProtocol(String protocol, int formatNumber) {
        if (formatNumber != 0 && formatNumber != 1) {
            List<String> netfs = PoolSourceFormats.netfsNames();
            String shown = formatNumber < netfs.size() ? netfs.get(formatNumber) : "(null)";
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "storage pool protocol ver unsupported for pool type '%s'", shown);
        }
        if (protocol.indexOf(',') >= 0) {
            throw VirException.of(ErrorCode.XML_DETAIL, ErrorDomain.STORAGE,
                    "storage pool protocol ver '%s' must not contain ','", protocol);
        }
    }

    private static VirException xmlError(String message) {
        return VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE, message);
    }
}
