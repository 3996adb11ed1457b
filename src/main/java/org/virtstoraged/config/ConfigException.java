package org.virtstoraged.config;

/**
 * A configuration file that cannot be read, parsed or accepted. The message is complete and worded
 * the way libvirt 9.0 words it (error-code prefix, then {@code FILE:LINE: detail}); callers print it
 * as is, e.g. libvirt's daemon logs {@code "Can't load config file: " + getMessage() + ": " + file}.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    /** libvirt's error codes used by configuration handling, with their message prefixes. */
    public enum Kind {
        /** VIR_ERR_CONF_SYNTAX. */
        SYNTAX("configuration file syntax error: "),
        /** VIR_ERR_INTERNAL_ERROR. */
        INTERNAL("internal error: "),
        /** VIR_ERR_CONFIG_UNSUPPORTED. */
        UNSUPPORTED("unsupported configuration: "),
        /** VIR_ERR_INVALID_ARG. */
        INVALID_ARG("invalid argument: "),
        /** VIR_ERR_SYSTEM_ERROR: the text carries no prefix. */
        SYSTEM("");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    private final Kind kind;
    private final String file;
    private final int line;
    private final String key;

    private ConfigException(Kind kind, String message, String file, int line, String key) {
        super(message);
        this.kind = kind;
        this.file = file;
        this.line = line;
        this.key = key;
    }

    /** {@code PREFIX FILE:LINE: detail}, the shape of virconf's located errors. */
    static ConfigException at(Kind kind, String file, int line, String key, String detail) {
        return new ConfigException(kind, kind.prefix() + file + ":" + line + ": " + detail, file, line, key);
    }

    /** A syntax error found by the parser: {@code configuration file syntax error: FILE:LINE: info}. */
    static ConfigException syntax(String file, int line, String info) {
        return at(Kind.SYNTAX, file, line, null, info);
    }

    /** A failure to read the file at all (libvirt's system errors: "Failed to open file 'X': reason"). */
    static ConfigException system(String file, String text) {
        return new ConfigException(Kind.SYSTEM, text, file, 0, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The file name as it appears in the message. */
    public String file() {
        return file;
    }

    /** The 1-based line the error is reported at, or 0 when the error is not tied to a line. */
    public int line() {
        return line;
    }

    /** The setting the error is about, or null for syntax and read errors. */
    public String key() {
        return key;
    }
}
