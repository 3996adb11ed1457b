package org.virtstoraged.storage.xml;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.util.StrToLong;

/**
 * libvirt's virXMLProp* attribute readers: the attribute value exactly as written (an empty value is still a
 * value), and their errors, which come from libvirt's XML helpers (VIR_FROM_XML).
 */
final class XmlProps {
    private static final List<String> TRISTATE_BOOL = List.of("default", "yes", "no");
    private static final List<String> TRISTATE_SWITCH = List.of("default", "on", "off");

    private XmlProps() {
    }

    /** virXMLPropTristateBool(): "yes"/"no", or null when absent; "default" is refused. */
    static Boolean tristateBool(String value, String attribute, String element) {
        int number = enumValue(value, TRISTATE_BOOL, true, attribute, element);
        return number < 0 ? null : number == 1;
    }

    /** virXMLPropTristateSwitch(): "on"/"off", or null when absent; "default" is refused. */
    static Boolean tristateSwitch(String value, String attribute, String element) {
        int number = enumValue(value, TRISTATE_SWITCH, true, attribute, element);
        return number < 0 ? null : number == 1;
    }

    /**
     * virXMLPropEnum(): the value's index among names, or -1 when absent and not required.
     *
     * @param nonZero refuse the first name (VIR_XML_PROP_NONZERO)
     */
    static int enumValue(String value, List<String> names, boolean nonZero, String attribute, String element) {
        if (value == null) {
            return -1;
        }
        int number = names.indexOf(value);
        if (number < 0 || (nonZero && number == 0)) {
            throw error("Invalid value for attribute '%s' in element '%s': '%s'.", attribute, element, value);
        }
        return number;
    }

    /** VIR_XML_PROP_REQUIRED: the message when the attribute is missing. */
    static VirException missing(String attribute, String element) {
        return error("Missing required attribute '%s' in element '%s'", attribute, element);
    }

    /** virXMLPropInt() with no flags: a signed int, or the default when absent. */
    static int integer(String value, int base, int defaultValue, String attribute, String element) {
        if (value == null) {
            return defaultValue;
        }
        OptionalInt parsed = StrToLong.integer(value, base);
        if (parsed.isEmpty()) {
            throw error("Invalid value for attribute '%s' in element '%s': '%s'. Expected integer value",
                    attribute, element, value);
        }
        return parsed.getAsInt();
    }

    /** virXMLPropUInt() with no flags: an unsigned int (as a long), 0 when absent. */
    static long unsignedInteger(String value, int base, String attribute, String element) {
        if (value == null) {
            return 0;
        }
        OptionalLong parsed = StrToLong.unsignedIntPositive(value, base);
        if (parsed.isEmpty()) {
            throw error("Invalid value for attribute '%s' in element '%s': '%s'. Expected non-negative integer value",
                    attribute, element, value);
        }
        return parsed.getAsLong();
    }

    private static VirException error(String format, Object... args) {
        return VirException.of(ErrorCode.XML_ERROR, ErrorDomain.XML, format, args);
    }
}
