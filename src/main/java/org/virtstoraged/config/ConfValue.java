package org.virtstoraged.config;

import java.util.List;

/**
 * A value in a libvirt-style configuration file: a string, an integer or a list. Integers keep
 * virconf's distinction between the signed type (written with a leading '-') and the unsigned type
 * (digits, or '+' and digits) because the typed getters accept them differently.
 */
public sealed interface ConfValue permits ConfValue.StringValue, ConfValue.IntegerValue, ConfValue.ListValue {

    /** The name virconf gives to this type ("string", "long", "unsigned long", "list"). */
    String typeName();

    /** A quoted string; virconf has no escape sequences, so this is the text between the quotes. */
    record StringValue(String value) implements ConfValue {
        public StringValue {
            java.util.Objects.requireNonNull(value, "value");
        }

        @Override
        public String typeName() {
            return "string";
        }
    }

    /**
     * An integer. {@code signed} is true when it was written with a leading '-' (virconf's
     * VIR_CONF_LLONG), false otherwise (VIR_CONF_ULLONG). The value is the 64-bit two's complement
     * result virconf computes, overflow wrapping included.
     */
    record IntegerValue(long value, boolean signed) implements ConfValue {
        @Override
        public String typeName() {
            return signed ? "long" : "unsigned long";
        }
    }

    /** A bracketed list; its elements may be of any type, including lists. */
    record ListValue(List<ConfValue> elements) implements ConfValue {
        public ListValue {
            elements = List.copyOf(elements);
        }

        @Override
        public String typeName() {
            return "list";
        }
    }
}
