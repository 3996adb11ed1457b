package org.virtstoraged.storage.xml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.PathSanitizer;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolRefreshAllocation;
import org.virtstoraged.storage.model.PoolSource;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.RbdConfigOption;
import org.virtstoraged.storage.xml.binding.PoolAttributesElement;
import org.virtstoraged.storage.xml.binding.PoolElement;
import org.virtstoraged.storage.xml.binding.PoolNamespaceOptionElement;
import org.virtstoraged.storage.xml.binding.PoolSourceElement;

/**
 * virStoragePoolDefParseXML() on the JAXB-bound document: same checks, same order, same messages. Sizes in the
 * document are ignored, as libvirt ignores them: they are only ever reported.
 */
final class PoolXmlParser {
    static final String URL = "(storage_pool_definition)";
    private static final List<String> TYPE_NAMES =
            Arrays.stream(PoolType.values()).map(PoolType::xmlName).toList();

    private PoolXmlParser() {
    }

    static PoolDefinition parse(String xml) {
        return parse(xml, URL);
    }

    /** {@code url}: the document's name in libxml2's messages, the file name for a file libvirt reads. */
    static PoolDefinition parse(String xml, String url) {
        PoolElement doc = XmlInput.read(xml, "pool", PoolElement.class, url, ErrorDomain.STORAGE);
        if (doc.type == null) {
            throw XmlProps.missing("type", "pool");
        }
        PoolType type = PoolType.values()[XmlProps.enumValue(doc.type, TYPE_NAMES, false, "type", "pool")];
        Set<PoolTypeRules> rules = PoolTypeRules.of(type);

        PoolSourceElement sourceElement = XmlValues.first(doc.source);
        PoolSource.Builder source = sourceElement == null ? PoolSourceParser.absent(type)
                : PoolSourceParser.parse(sourceElement, type);
        PoolSource parsed = source.build();

        String name = XmlValues.text(doc.name);
        if (name == null && rules.contains(PoolTypeRules.NAME)) {
            name = parsed.name().orElse(null);
        }
        if (name == null) {
            throw xmlError("missing pool source name element");
        }
        if (name.indexOf('/') >= 0) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE, "name %s cannot contain '/'", name);
        }

        String uuidText = XmlValues.text(doc.uuid);
        String uuid;
        if (uuidText == null) {
            uuid = UUID.randomUUID().toString();
        } else {
            uuid = VolumeEncryptionParser.canonicalUuid(uuidText);
            if (uuid == null) {
                throw xmlError("malformed uuid element");
            }
        }
        PoolDefinition.Builder def = PoolDefinition.builder(type, name, uuid);

        def.cow(cow(doc, type));

        if (rules.contains(PoolTypeRules.HOST) && parsed.hosts().isEmpty()) {
            throw xmlError("missing storage pool source host name");
        }
        if (rules.contains(PoolTypeRules.DIR) && parsed.dir().isEmpty()) {
            throw xmlError("missing storage pool source path");
        }
        if (rules.contains(PoolTypeRules.NAME) && parsed.name().isEmpty()) {
            // the source name defaults to the pool's name
            parsed = source.name(name).build();
        }
        if (rules.contains(PoolTypeRules.ADAPTER)) {
            PoolAdapterParser.validate(parsed.adapter().orElse(null));
        }
        // a device is required when it is the only source part the type uses
        if (rules.equals(Set.of(PoolTypeRules.DEVICE)) && parsed.devices().isEmpty()) {
            throw xmlError("missing storage pool source device name");
        }
        def.source(parsed);

        if (!rules.contains(PoolTypeRules.NETWORK)) {
            String targetPath;
            if (type == PoolType.LOGICAL) {
                targetPath = "/dev/" + parsed.name().orElse("(null)");
            } else if (type == PoolType.ZFS) {
                targetPath = "/dev/zvol/" + parsed.name().orElse("(null)");
            } else {
                targetPath = XmlValues.text(XmlValues.children(doc.target, t -> t.path));
                if (targetPath == null) {
                    throw xmlError("missing storage pool target path");
                }
            }
            def.targetPath(PathSanitizer.sanitize(targetPath));
            def.targetPermissions(PermissionsXml.parse(XmlValues.children(doc.target, t -> t.permissions)));
        }

        if (type == PoolType.ISCSI_DIRECT && parsed.initiatorIqn().isEmpty()) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE, "missing initiator IQN");
        }

        String allocation = XmlValues.attribute(XmlValues.children(doc.refresh, r -> r.volume),
                (PoolAttributesElement v) -> v.allocation);
        if (allocation != null) {
            def.refreshAllocation(PoolRefreshAllocation.fromXmlName(allocation).orElseThrow(() -> VirException.of(
                    ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "unknown storage pool volume refresh allocation type %s", allocation)));
        }

        if (PoolTypeRules.readsMountOptions(type)) {
            def.mountOptions(mountOptions(doc));
        } else if (PoolTypeRules.readsRbdOptions(type)) {
            def.rbdConfigOptions(rbdOptions(doc));
        }
        return def.build();
    }

    /** {@code <features><cow state>}: only dir and fs pools may set it. */
    private static Boolean cow(PoolElement doc, PoolType type) {
        PoolAttributesElement cow = XmlValues.first(XmlValues.children(doc.features, f -> f.cow));
        if (cow == null) {
            return null;
        }
        Boolean state = XmlProps.tristateBool(cow.state, "state", "cow");
        if (state != null && type != PoolType.FS && type != PoolType.DIR) {
            throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE,
                    "cow feature may only be used for 'fs' and 'dir' pools");
        }
        return state;
    }

    /** ./fs:mount_opts/fs:option: every option must have a name (an empty one is accepted). */
    private static List<String> mountOptions(PoolElement doc) {
        List<String> options = new ArrayList<>();
        for (PoolNamespaceOptionElement option : XmlValues.children(doc.mountOptions, m -> m.option)) {
            if (!(option instanceof PoolNamespaceOptionElement.Fs)) {
                continue;
            }
            if (option.name == null) {
                throw xmlError("no fs mount option name specified");
            }
            options.add(option.name);
        }
        return options;
    }

    /** ./rbd:config_opts/rbd:option: every option needs a non-empty name and value. */
    private static List<RbdConfigOption> rbdOptions(PoolElement doc) {
        List<RbdConfigOption> options = new ArrayList<>();
        for (PoolNamespaceOptionElement option : XmlValues.children(doc.rbdConfigOptions, c -> c.option)) {
            if (!(option instanceof PoolNamespaceOptionElement.Rbd)) {
                continue;
            }
            if (option.name == null) {
                throw xmlError("no rbd option name specified");
            }
            if (option.name.isEmpty()) {
                throw xmlError("empty rbd option name specified");
            }
            if (option.value == null) {
                throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE,
                        "no rbd option value specified for name '%s'", option.name);
            }
            if (option.value.isEmpty()) {
                throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE,
                        "empty rbd option value specified for name '%s'", option.name);
            }
            options.add(new RbdConfigOption(option.name, option.value));
        }
        return options;
    }

    private static VirException xmlError(String message) {
        return VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE, message);
    }
}
