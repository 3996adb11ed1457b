package org.virtstoraged.storage.xml;

import java.util.List;
import java.util.OptionalInt;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PciAddress;
import org.virtstoraged.storage.model.PoolAdapter;
import org.virtstoraged.storage.xml.binding.PoolAdapterElement;
import org.virtstoraged.storage.xml.binding.PoolParentAddrElement;
import org.virtstoraged.storage.xml.binding.PoolPciAddressElement;
import org.virtstoraged.util.StrToLong;

/**
 * virStorageAdapterParseXML() and virStorageAdapterValidate(): a scsi pool's {@code <adapter>}. Parsing happens
 * for every pool type that has an adapter element; validation only for the types that need one (scsi).
 */
final class PoolAdapterParser {
    private static final List<String> TYPES = List.of("default", "scsi_host", "fc_host");

    private PoolAdapterParser() {
    }

    /** The adapter, or null when it names no type and no scsi_host (libvirt's "default" adapter). */
    static PoolAdapter parse(PoolAdapterElement adapter) {
        int type = XmlProps.enumValue(adapter.type, TYPES, true, "type", "adapter");
        if (type < 0) {
            return legacy(adapter);
        }
        if (type == 2) {
            Boolean managed = XmlProps.tristateBool(adapter.managed, "managed", "adapter");
            return new PoolAdapter.FcHost(adapter.parent, adapter.parentWwnn, adapter.parentWwpn,
                    adapter.parentFabricWwn, managed, adapter.wwnn, adapter.wwpn);
        }
        return scsiHost(adapter);
    }

    /** Before the type attribute existed only name='hostN' was known; newer attributes then need the type. */
    private static PoolAdapter legacy(PoolAdapterElement adapter) {
        if (adapter.wwnn != null || adapter.wwpn != null || adapter.parent != null) {
            throw xmlError("Use of 'wwnn', 'wwpn', and 'parent' attributes requires use of the adapter 'type'");
        }
        if (!adapter.parentaddr.isEmpty()) {
            throw xmlError("Use of 'parentaddr' element requires use of the adapter 'type'");
        }
        return adapter.name == null ? null : new PoolAdapter.ScsiHost(adapter.name, null, 0);
    }

    private static PoolAdapter.ScsiHost scsiHost(PoolAdapterElement adapter) {
        if (adapter.parentaddr.isEmpty()) {
            return new PoolAdapter.ScsiHost(adapter.name, null, 0);
        }
        PoolPciAddressElement address = XmlValues.first(XmlValues.children(adapter.parentaddr, p -> p.address));
        if (address == null) {
            throw xmlError("Missing scsi_host PCI address element");
        }
        PciAddress pci = pciAddress(address);
        String uniqueId = XmlValues.attribute(adapter.parentaddr, (PoolParentAddrElement p) -> p.uniqueId);
        OptionalInt id = uniqueId == null ? OptionalInt.empty() : StrToLong.integer(uniqueId, 10);
        if (id.isEmpty() || id.getAsInt() < 0) {
            throw xmlError("Missing or invalid scsi adapter 'unique_id' value");
        }
        return new PoolAdapter.ScsiHost(adapter.name, pci, id.getAsInt());
    }

    /** virPCIDeviceAddressParseXML(): numbers in any C base; a non-empty address must be a valid one. */
    private static PciAddress pciAddress(PoolPciAddressElement a) {
        long domain = XmlProps.unsignedInteger(a.domain, 0, "domain", "address");
        long bus = XmlProps.unsignedInteger(a.bus, 0, "bus", "address");
        long slot = XmlProps.unsignedInteger(a.slot, 0, "slot", "address");
        long function = XmlProps.unsignedInteger(a.function, 0, "function", "address");
        XmlProps.tristateSwitch(a.multifunction, "multifunction", "address");
        boolean empty = domain == 0 && bus == 0 && slot == 0;
        if (!empty) {
            // virpci.c reports these without a domain
            if (bus > 0xFF) {
                throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.NONE,
                        "Invalid PCI address bus='0x%x', must be <= 0xFF", bus);
            }
            if (slot > 0x1F) {
                throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.NONE,
                        "Invalid PCI address slot='0x%x', must be <= 0x1F", slot);
            }
            if (function > 7) {
                throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.NONE,
                        "Invalid PCI address function=0x%x, must be <= 7", function);
            }
        }
        return new PciAddress(domain, bus, slot, function);
    }

    /** virStorageAdapterValidate(): what a pool that needs an adapter requires of it. */
    static void validate(PoolAdapter adapter) {
        if (adapter == null) {
            throw xmlError("missing storage pool source adapter");
        }
        if (adapter instanceof PoolAdapter.FcHost fc) {
            validateFcHost(fc);
        } else if (adapter instanceof PoolAdapter.ScsiHost scsi) {
            if (scsi.name() == null && !scsi.hasParent()) {
                throw xmlError("Either 'name' or 'parent' must be specified for the 'scsi_host' adapter");
            }
            if (scsi.name() != null && scsi.hasParent()) {
                throw xmlError("Both 'name' and 'parent' cannot be specified for the 'scsi_host' adapter");
            }
        }
    }

    private static void validateFcHost(PoolAdapter.FcHost fc) {
        if (fc.wwnn() == null || fc.wwpn() == null) {
            throw xmlError("'wwnn' and 'wwpn' must be specified for adapter type 'fchost'");
        }
        checkWwn(fc.wwnn());
        checkWwn(fc.wwpn());
        if (fc.parentWwnn() != null && fc.parentWwpn() == null) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE,
                    "when providing parent_wwnn='%s', the parent_wwpn must also be provided", fc.parentWwnn());
        }
        if (fc.parentWwnn() == null && fc.parentWwpn() != null) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE,
                    "when providing parent_wwpn='%s', the parent_wwnn must also be provided", fc.parentWwpn());
        }
        if (fc.parentWwnn() != null) {
            checkWwn(fc.parentWwnn());
        }
        if (fc.parentWwpn() != null) {
            checkWwn(fc.parentWwpn());
        }
        if (fc.parentFabricWwn() != null) {
            checkWwn(fc.parentFabricWwn());
        }
    }

    /** virValidateWWN(): 16 hex digits, optionally after "0x"; reported from util code, without a domain. */
    private static void checkWwn(String wwn) {
        String digits = wwn.startsWith("0x") ? wwn.substring(2) : wwn;
        boolean valid = digits.length() == 16;
        for (int i = 0; valid && i < digits.length(); i++) {
            char c = digits.charAt(i);
            valid = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        }
        if (!valid) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.NONE, "Malformed wwn: %s", wwn);
        }
    }

    private static VirException xmlError(String message) {
        return VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE, message);
    }
}
