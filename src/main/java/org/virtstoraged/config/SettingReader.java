package org.virtstoraged.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Typed access to a {@link ConfFile}, with the acceptance rules and wording of libvirt 9.0's
 * virConfGetValueString / StringList / Bool / Int / UInt. Each getter answers empty when the
 * setting is absent; otherwise it converts the first occurrence or throws.
 *
 * <p>libvirt words these errors {@code internal error: FILE: expected ... for 'KEY' parameter};
 * we add the line of the offending setting in virconf's located style, giving
 * {@code internal error: FILE:LINE: expected ... for 'KEY' parameter}.
 */
public final class SettingReader {
    /** UINT_MAX, the largest value an unsigned setting accepts. */
    public static final long UINT_MAX = 0xFFFF_FFFFL;

    private final ConfFile conf;

    public SettingReader(ConfFile conf) {
        this.conf = conf;
    }

    public ConfFile conf() {
        return conf;
    }

    private ConfigException internal(ConfEntry e, String detail) {
        return ConfigException.at(ConfigException.Kind.INTERNAL, conf.fileName(), e.line(), e.name(), detail);
    }

    /** A string setting. Error: {@code expected a string for 'KEY' parameter}. */
    public Optional<String> string(String key) throws ConfigException {
        Optional<ConfEntry> found = conf.first(key);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ConfEntry e = found.get();
        if (e.value() instanceof ConfValue.StringValue s) {
            return Optional.of(s.value());
        }
        throw internal(e, "expected a string for '" + key + "' parameter");
    }

    /**
     * A list of strings (virConfGetValueStringList without compatString: a lone string is refused).
     * A value that is not a list: {@code internal error: ... expected a string list for 'KEY'
     * parameter}; a list holding a non-string: the same text, but libvirt reports it with the
     * {@code configuration file syntax error:} prefix.
     */
    public Optional<List<String>> stringList(String key) throws ConfigException {
        Optional<ConfEntry> found = conf.first(key);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ConfEntry e = found.get();
        String detail = "expected a string list for '" + key + "' parameter";
        if (!(e.value() instanceof ConfValue.ListValue list)) {
            throw internal(e, detail);
        }
        List<String> out = new ArrayList<>(list.elements().size());
        for (ConfValue v : list.elements()) {
            if (!(v instanceof ConfValue.StringValue s)) {
                throw ConfigException.at(ConfigException.Kind.SYNTAX, conf.fileName(), e.line(), key, detail);
            }
            out.add(s.value());
        }
        return Optional.of(List.copyOf(out));
    }

    /**
     * A boolean written as unsigned 0 or 1. Errors: {@code expected a bool for 'KEY' parameter}
     * (anything but an unsigned integer, so "-0" and "yes" are refused) and
     * {@code value for 'KEY' parameter must be 0 or 1}.
     */
    public Optional<Boolean> bool(String key) throws ConfigException {
        Optional<ConfEntry> found = conf.first(key);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ConfEntry e = found.get();
        if (!(e.value() instanceof ConfValue.IntegerValue i) || i.signed()) {
            throw internal(e, "expected a bool for '" + key + "' parameter");
        }
        if (Long.compareUnsigned(i.value(), 1) > 0) {
            throw internal(e, "value for '" + key + "' parameter must be 0 or 1");
        }
        return Optional.of(i.value() == 1);
    }

    /**
     * A C int: signed or unsigned integer within INT_MIN..INT_MAX. Errors:
     * {@code expected a signed integer for 'KEY' parameter} and
     * {@code value for 'KEY' parameter must be in range -2147483648:2147483647}.
     */
    public OptionalInt int32(String key) throws ConfigException {
        Optional<ConfEntry> found = conf.first(key);
        if (found.isEmpty()) {
            return OptionalInt.empty();
        }
        ConfEntry e = found.get();
        if (!(e.value() instanceof ConfValue.IntegerValue i)) {
            throw internal(e, "expected a signed integer for '" + key + "' parameter");
        }
        long v = i.value();
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw internal(e, "value for '" + key + "' parameter must be in range "
                    + Integer.MIN_VALUE + ":" + Integer.MAX_VALUE);
        }
        return OptionalInt.of((int) v);
    }

    /**
     * A C unsigned int, returned as a long in 0..4294967295. Errors:
     * {@code expected an unsigned integer for 'KEY' parameter} (so any value written with '-',
     * even "-0", is refused) and {@code value for 'KEY' parameter must be in range 0:4294967295}.
     */
    public OptionalLong uint32(String key) throws ConfigException {
        Optional<ConfEntry> found = conf.first(key);
        if (found.isEmpty()) {
            return OptionalLong.empty();
        }
        ConfEntry e = found.get();
        if (!(e.value() instanceof ConfValue.IntegerValue i) || i.signed()) {
            throw internal(e, "expected an unsigned integer for '" + key + "' parameter");
        }
        if (Long.compareUnsigned(i.value(), UINT_MAX) > 0) {
            throw internal(e, "value for '" + key + "' parameter must be in range 0:" + UINT_MAX);
        }
        return OptionalLong.of(i.value());
    }

    /** The line of the first occurrence of {@code key}, or 0 when absent. */
    public int lineOf(String key) {
        return conf.first(key).map(ConfEntry::line).orElse(0);
    }
}
