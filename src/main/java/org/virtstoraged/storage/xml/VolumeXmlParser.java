package org.virtstoraged.storage.xml;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeBackingStore;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.model.VolumeFeature;
import org.virtstoraged.storage.model.VolumeFormats;
import org.virtstoraged.storage.model.VolumeType;
import org.virtstoraged.storage.xml.binding.VolumeElement;
import org.virtstoraged.storage.xml.binding.VolumeFeaturesElement;
import org.virtstoraged.storage.xml.binding.VolumeFormatElement;
import org.virtstoraged.storage.xml.binding.VolumePermissionsElement;
import org.virtstoraged.storage.xml.binding.VolumeTargetElement;
import org.virtstoraged.storage.xml.binding.VolumeTextElement;
import org.virtstoraged.util.StrToLong;
import org.w3c.dom.Element;

/**
 * virStorageVolDefParseXML() on the JAXB-bound document: same checks, same order, same messages.
 * libvirt reads each value with an XPath string() lookup, which yields the first match in document
 * order and treats an empty result as absent; {@link #text} and {@link #attribute} do the same.
 */
final class VolumeXmlParser {
    static final String URL = "(storage_volume_definition)";
    /** VIR_FROM_XML: errors raised by libvirt's XML helpers (virXMLProp*, virParseScaledValue). */
    private static final int FROM_XML = 5;
    private static final long LLONG_MAX = Long.MAX_VALUE;
    private static final long ULLONG_MAX = -1L;

    private VolumeXmlParser() {
    }

    static VolumeDefinition parse(PoolType poolType, String xml, Set<VolumeXml.Option> options) {
        Optional<VolumeFormats> formats = VolumeFormats.forPool(poolType);
        VolumeElement doc = XmlInput.read(xml, "volume", VolumeElement.class, URL, ErrorDomain.STORAGE);
        VolumeDefinition.Builder vol = VolumeDefinition.builder(null);

        String name = text(doc.name);
        if (name == null) {
            throw xmlError("missing volume name element");
        }
        vol.name(name).key(text(doc.key));

        String type = nonEmpty(doc.type);
        if (type != null) {
            vol.type(VolumeType.fromXmlName(type).orElseThrow(() -> VirException.of(ErrorCode.CONFIG_UNSUPPORTED,
                    ErrorDomain.STORAGE, "unknown volume type '%s'", type)));
        }

        VolumeBackingStore backing = backingStore(doc, formats);
        vol.backingStore(backing);

        long capacity = 0;
        String capacityText = text(doc.capacity);
        if (capacityText != null) {
            capacity = size(capacityText, attribute(doc.capacity, c -> c.unit));
        } else if (!options.contains(VolumeXml.Option.NO_CAPACITY)
                && !(options.contains(VolumeXml.Option.OPT_CAPACITY) && backing != null)) {
            throw xmlError("missing capacity element");
        }
        vol.capacity(capacity);

        String allocationText = text(doc.allocation);
        if (allocationText != null) {
            vol.allocation(size(allocationText, attribute(doc.allocation, a -> a.unit))).hasAllocation(true);
        } else {
            vol.allocation(capacity);
        }

        List<VolumeTargetElement> target = doc.target;
        vol.targetPath(text(children(target, t -> t.path)));
        vol.targetFormat(format(formats, children(target, t -> t.format)));
        vol.targetPermissions(permissions(children(target, t -> t.permissions)));

        var encryption = children(target, t -> t.encryption);
        if (!encryption.isEmpty()) {
            vol.encryption(VolumeEncryptionParser.parse(encryption.get(0)));
        }

        String compat = text(children(target, t -> t.compat));
        checkCompat(compat);

        vol.nocow(!children(target, t -> t.nocow).isEmpty());
        vol.clusterSize(clusterSize(children(target, t -> t.clusterSize)));

        List<VolumeFeaturesElement> features = children(target, t -> t.features);
        if (!features.isEmpty()) {
            if (compat == null) {
                compat = "1.1";
            }
            Set<VolumeFeature> set = EnumSet.noneOf(VolumeFeature.class);
            for (VolumeFeaturesElement element : features) {
                for (Element feature : element.children) {
                    String featureName = feature.getLocalName() != null ? feature.getLocalName() : feature.getNodeName();
                    set.add(VolumeFeature.fromXmlName(featureName).orElseThrow(() -> VirException.of(
                            ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE, "unsupported feature %s", featureName)));
                }
            }
            vol.features(set);
        }
        vol.compat(compat);
        return vol.build();
    }

    private static VolumeBackingStore backingStore(VolumeElement doc, Optional<VolumeFormats> formats) {
        String path = text(children(doc.backingStore, b -> b.path));
        if (path == null) {
            return null;
        }
        String format = format(formats, children(doc.backingStore, b -> b.format));
        Permissions perms = permissions(children(doc.backingStore, b -> b.permissions));
        return new VolumeBackingStore(path, format, perms);
    }

    /** The format's name within the pool's family; null for format number 0 and for pools without formats. */
    private static String format(Optional<VolumeFormats> formats, List<VolumeFormatElement> elements) {
        if (formats.isEmpty()) {
            return null;
        }
        VolumeFormats family = formats.get();
        String name = attribute(elements, f -> f.type);
        int number;
        if (name == null) {
            number = family.defaultNumber();
        } else {
            OptionalInt parsed = family.fromXmlName(name);
            if (parsed.isEmpty()) {
                throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                        "unknown volume format type %s", name);
            }
            number = parsed.getAsInt();
        }
        return number == 0 ? null : family.names().get(number);
    }

    /** virStorageDefParsePerms(). */
    private static Permissions permissions(List<VolumePermissionsElement> elements) {
        return PermissionsXml.parse(elements);
    }

    /** virStorageSize(): a byte count with an optional unit, at most LLONG_MAX bytes. */
    private static long size(String value, String unit) {
        OptionalLong parsed = StrToLong.unsignedLongLongPositive(value);
        if (parsed.isEmpty()) {
            throw xmlError("malformed capacity element");
        }
        return VolumeUnits.scale(parsed.getAsLong(), unit, 1, LLONG_MAX);
    }

    /** virStorageCheckCompat(): "N.M" with two unsigned numbers. */
    private static void checkCompat(String compat) {
        if (compat == null) {
            return;
        }
        int dot = compat.indexOf('.');
        if (dot < 0 || StrToLong.unsignedInt(compat.substring(0, dot)).isEmpty()
                || StrToLong.unsignedInt(compat.substring(dot + 1)).isEmpty()) {
            throw xmlError("forbidden characters in 'compat' attribute");
        }
    }

    /** virParseScaledValue() of ./target/clusterSize: optional, any unsigned 64-bit byte count. */
    private static long clusterSize(List<VolumeTextElement> elements) {
        String value = text(elements);
        if (value == null) {
            return 0;
        }
        OptionalLong parsed = StrToLong.unsignedLongLongPositive(value);
        if (parsed.isEmpty()) {
            throw VirException.of(ErrorCode.XML_ERROR, FROM_XML,
                    "Invalid value '%s' for element or attribute '%s'", value, "./target/clusterSize");
        }
        return VolumeUnits.scale(parsed.getAsLong(), attribute(elements, c -> c.unit), 1, ULLONG_MAX);
    }

    static VirException xmlError(String message) {
        return VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE, message);
    }

    /** XPath string() of the first element, with libvirt's rule that an empty string counts as absent. */
    static String text(List<VolumeTextElement> elements) {
        return XmlValues.text(elements);
    }

    /** XPath string(./element/@attr): the attribute of the first element that has it; empty counts as absent. */
    static <E> String attribute(List<E> elements, Function<E, String> attr) {
        return XmlValues.attribute(elements, attr);
    }

    /** All children of all parents, in document order (an XPath step over several parents). */
    static <P, C> List<C> children(List<P> parents, Function<P, List<C>> step) {
        return XmlValues.children(parents, step);
    }

    static String nonEmpty(String value) {
        return XmlValues.nonEmpty(value);
    }
}
