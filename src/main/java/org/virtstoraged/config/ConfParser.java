package org.virtstoraged.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads libvirt's configuration file syntax with the same acceptance rules as libvirt 9.0's
 * virconf (default flags, i.e. neither the VMX nor the LXC dialect):
 *
 * <ul>
 * <li>a file is a sequence of statements, each a {@code #} comment or {@code name = value} with an
 * optional trailing {@code #} comment, separated by line ends or {@code ;};</li>
 * <li>names start with an ASCII letter and continue with ASCII letters, digits and {@code _};</li>
 * <li>values are {@code "strings"} or {@code 'strings'} (no escapes, may not cross a line end),
 * {@code """strings"""} (may span lines), integers ({@code -} makes them signed, digits or
 * {@code +} unsigned; anything after the digits is left for the separator check), and
 * {@code [ lists ]} whose elements are separated by commas, may span lines, may end with a
 * trailing comma, and may not contain comments;</li>
 * <li>a non-empty file made only of blanks and line ends is an error ("expecting a name"), exactly
 * as in virconf (the empty file is fine; blank lines after a statement are fine).</li>
 * </ul>
 *
 * virconf's line counting is reproduced too: an unterminated {@code """} string is reported at the
 * line reached when the scan stops two characters before the end, so a final line end is not
 * counted.
 *
 * Errors read {@code configuration file syntax error: FILE:LINE: MESSAGE}, where LINE counts
 * {@code \n} characters consumed so far (a carriage return ends a line but is not counted).
 */
public final class ConfParser {
    /** virconf's sanity limit on the size of a configuration file. */
    public static final int MAX_CONFIG_FILE_SIZE = 1024 * 1024 * 10;

    /** The file name virconf reports for text parsed from memory. */
    public static final String MEMORY_CONF = "memory conf";

    private final String fileName;
    private final String text;
    private final int end;
    private int pos;
    private int line = 1;
    private final List<ConfEntry> entries = new ArrayList<>();

    private ConfParser(String fileName, String text) {
        this.fileName = fileName;
        this.text = text;
        this.end = text.length();
    }

    /** Parses configuration text; {@code fileName} is only used in error messages. */
    public static ConfFile parse(String fileName, String content) throws ConfigException {
        ConfParser p = new ConfParser(fileName, content);
        p.parseAll();
        return new ConfFile(fileName, p.entries);
    }

    /** Parses text held in memory, reported as libvirt does as "memory conf". */
    public static ConfFile parse(String content) throws ConfigException {
        return parse(MEMORY_CONF, content);
    }

    /**
     * Reads and parses a file (decoded as UTF-8). Read failures are worded like libvirt's
     * virFileReadAll: {@code Failed to open file 'PATH': No such file or directory},
     * {@code Failed to open file 'PATH': Permission denied}, {@code Failed to read file 'PATH': Is a
     * directory}, {@code Failed to read file 'PATH': Value too large for defined data type} (over
     * 10 MiB).
     */
    public static ConfFile read(Path file) throws ConfigException {
        String name = file.toString();
        byte[] data;
        if (Files.isDirectory(file)) {
            throw ConfigException.system(name, "Failed to read file '" + name + "': Is a directory");
        }
        try (InputStream in = Files.newInputStream(file)) {
            data = in.readNBytes(MAX_CONFIG_FILE_SIZE + 1);
        } catch (NoSuchFileException e) {
            throw ConfigException.system(name, "Failed to open file '" + name + "': No such file or directory");
        } catch (AccessDeniedException e) {
            throw ConfigException.system(name, "Failed to open file '" + name + "': Permission denied");
        } catch (IOException e) {
            throw ConfigException.system(name, "Failed to read file '" + name + "': " + e.getMessage());
        }
        if (data.length > MAX_CONFIG_FILE_SIZE) {
            throw ConfigException.system(name,
                    "Failed to read file '" + name + "': Value too large for defined data type");
        }
        return parse(name, new String(data, StandardCharsets.UTF_8));
    }

    // ---- character helpers; reading at or past the end yields NUL like the C buffer does ----

    private char cur() {
        return pos < end ? text.charAt(pos) : '\0';
    }

    private void next() {
        if (pos < end) {
            pos++;
        }
    }

    private static boolean isEol(char c) {
        return c == '\n' || c == '\r';
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private void skipBlanks() {
        while (pos < end && isBlank(cur())) {
            pos++;
        }
    }

    private void skipBlanksAndEol() {
        while (pos < end && (isBlank(cur()) || isEol(cur()))) {
            if (cur() == '\n') {
                line++;
            }
            pos++;
        }
    }

    private void skipToEol() {
        while (pos < end && !isEol(cur())) {
            pos++;
        }
    }

    private ConfigException error(String info) {
        return ConfigException.syntax(fileName, line, info);
    }

    // ---- grammar ----

    private void parseAll() throws ConfigException {
        while (pos < end) {
            parseStatement();
            parseSeparator();
        }
    }

    private void parseStatement() throws ConfigException {
        skipBlanksAndEol();
        if (cur() == '#') {
            skipToEol();
            return;
        }
        String name = parseName();
        int nameLine = line;
        skipBlanks();
        if (cur() != '=') {
            throw error("expecting an assignment");
        }
        next();
        skipBlanks();
        ConfValue value = parseValue();
        skipBlanks();
        if (cur() == '#') {
            skipToEol();
        }
        entries.add(new ConfEntry(name, value, nameLine));
    }

    private String parseName() throws ConfigException {
        skipBlanks();
        int base = pos;
        if (!isAlpha(cur())) {
            throw error("expecting a name");
        }
        while (pos < end && (isAlpha(cur()) || isDigit(cur()) || cur() == '_')) {
            pos++;
        }
        return text.substring(base, pos);
    }

    private void parseSeparator() throws ConfigException {
        skipBlanks();
        if (pos >= end) {
            return;
        }
        if (isEol(cur())) {
            skipBlanksAndEol();
        } else if (cur() == ';') {
            next();
            skipBlanksAndEol();
        } else {
            throw error("expecting a separator");
        }
    }

    private ConfValue parseValue() throws ConfigException {
        skipBlanks();
        if (pos >= end) {
            throw error("expecting a value");
        }
        char c = cur();
        if (c == '"' || c == '\'') {
            return new ConfValue.StringValue(parseString());
        }
        if (c == '[') {
            return parseList();
        }
        if (isDigit(c) || c == '-' || c == '+') {
            boolean signed = c == '-';
            return new ConfValue.IntegerValue(parseLong(), signed);
        }
        throw error("expecting a value");
    }

    private ConfValue parseList() throws ConfigException {
        List<ConfValue> items = new ArrayList<>();
        next();
        skipBlanksAndEol();
        if (pos < end && cur() != ']') {
            items.add(parseValue());
            skipBlanksAndEol();
        }
        while (pos < end && cur() != ']') {
            if (cur() != ',') {
                throw error("expecting a separator in list");
            }
            next();
            skipBlanksAndEol();
            if (cur() == ']') {
                break;
            }
            items.add(parseValue());
            skipBlanksAndEol();
        }
        if (cur() != ']') {
            throw error("list is not closed with ]");
        }
        next();
        return new ConfValue.ListValue(items);
    }

    private long parseLong() throws ConfigException {
        boolean negative = false;
        if (cur() == '-') {
            negative = true;
            next();
        } else if (cur() == '+') {
            next();
        }
        if (pos >= end || !isDigit(cur())) {
            throw error("unterminated number");
        }
        long l = 0;
        while (pos < end && isDigit(cur())) {
            l = l * 10 + (cur() - '0'); // wraps on overflow, as the C code does in practice
            pos++;
        }
        return negative ? -l : l;
    }

    private String parseString() throws ConfigException {
        if (cur() == '\'') {
            return parseQuoted('\'');
        }
        // Triple quotes are only recognised when more than six characters remain, so a bare
        // """""" at the very end of the input reads as "" followed by stray quotes.
        if (pos + 6 < end && text.startsWith("\"\"\"", pos)) {
            pos += 3;
            int base = pos;
            while (pos + 2 < end && !text.startsWith("\"\"\"", pos)) {
                if (cur() == '\n') {
                    line++;
                }
                pos++;
            }
            if (!text.startsWith("\"\"\"", pos)) {
                throw error("unterminated string");
            }
            String s = text.substring(base, pos);
            pos += 3;
            return s;
        }
        return parseQuoted('"');
    }

    private String parseQuoted(char quote) throws ConfigException {
        next();
        int base = pos;
        while (pos < end && cur() != quote && !isEol(cur())) {
            pos++;
        }
        if (cur() != quote) {
            throw error("unterminated string");
        }
        String s = text.substring(base, pos);
        next();
        return s;
    }
}
