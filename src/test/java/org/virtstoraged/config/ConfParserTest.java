package org.virtstoraged.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfParserTest {

    private static ConfFile parse(String text) throws ConfigException {
        return ConfParser.parse("t.conf", text);
    }

    private static ConfValue value(String text) throws ConfigException {
        ConfFile f = parse(text);
        assertEquals(1, f.entries().size(), "one entry expected");
        return f.entries().get(0).value();
    }

    private static ConfValue.StringValue str(String s) {
        return new ConfValue.StringValue(s);
    }

    private static ConfValue.IntegerValue uns(long v) {
        return new ConfValue.IntegerValue(v, false);
    }

    private static ConfValue.IntegerValue sig(long v) {
        return new ConfValue.IntegerValue(v, true);
    }

    // ------------------------------------------------------------ values

    @Test
    void doubleQuotedString() throws Exception {
        assertEquals(str("hello world"), value("s = \"hello world\""));
    }

    @Test
    void singleQuotedStringMayHoldDoubleQuotes() throws Exception {
        assertEquals(str("say \"hi\""), value("s = 'say \"hi\"'\n"));
    }

    @Test
    void doubleQuotedStringMayHoldSingleQuotes() throws Exception {
        assertEquals(str("it's"), value("s = \"it's\""));
    }

    @Test
    void noEscapeSequences() throws Exception {
        assertEquals(str("a\\nb\\"), value("s = \"a\\nb\\\""));
    }

    @Test
    void emptyStrings() throws Exception {
        assertEquals(str(""), value("s = \"\""));
        assertEquals(str(""), value("s = ''"));
        assertEquals(str(""), value("s = \"\"\"\"\"\"\n"));
    }

    @Test
    void nonAsciiString() throws Exception {
        assertEquals(str("héllo ☃"), value("s = \"héllo ☃\""));
    }

    @Test
    void tripleQuotedStringSpansLinesAndKeepsQuotes() throws Exception {
        ConfFile f = parse("a = \"\"\"first\nsecond \"x\" 'y'\nthird\"\"\"\nb = 1\n");
        assertEquals(str("first\nsecond \"x\" 'y'\nthird"), f.entries().get(0).value());
        assertEquals(1, f.entries().get(0).line());
        assertEquals("b", f.entries().get(1).name());
        assertEquals(4, f.entries().get(1).line());
    }

    @Test
    void tripleQuotesNeedMoreThanSixCharactersLeft() throws Exception {
        // As in virconf: at the very end of the input, """""" reads as "" then a stray quote.
        ConfigException e = assertThrows(ConfigException.class, () -> parse("a = \"\"\"\"\"\""));
        assertEquals("configuration file syntax error: t.conf:1: expecting a separator", e.getMessage());
    }

    @Test
    void unsignedAndSignedIntegers() throws Exception {
        assertEquals(uns(42), value("n = 42"));
        assertEquals(uns(42), value("n = +42"));
        assertEquals(sig(-42), value("n = -42"));
        assertEquals(sig(0), value("n = -0"));
        assertEquals(uns(7), value("n = 007"));
        assertEquals("unsigned long", uns(1).typeName());
        assertEquals("long", sig(1).typeName());
    }

    @Test
    void integerOverflowWrapsLikeC() throws Exception {
        assertEquals(uns(-1L), value("n = 18446744073709551615"));
        assertEquals(uns(Long.MIN_VALUE), value("n = 9223372036854775808"));
    }

    @Test
    void listsOfMixedValuesNestedAndEmpty() throws Exception {
        assertEquals(new ConfValue.ListValue(List.of(str("a"), str("b"))), value("l = [ \"a\", 'b' ]"));
        assertEquals(new ConfValue.ListValue(List.of()), value("l = []"));
        assertEquals(new ConfValue.ListValue(List.of()), value("l = [\n\n]"));
        assertEquals(new ConfValue.ListValue(List.of(uns(1),
                new ConfValue.ListValue(List.of(str("x"))), sig(-2))), value("l = [1,[\"x\"],-2]"));
    }

    @Test
    void listSpanningLinesWithTrailingComma() throws Exception {
        ConfFile f = parse("l = [\n  \"a\",\n  \"b\"\n  , \"c\",\n]\nnext = 1\n");
        assertEquals(new ConfValue.ListValue(List.of(str("a"), str("b"), str("c"))), f.entries().get(0).value());
        assertEquals(1, f.entries().get(0).line());
        assertEquals(6, f.entries().get(1).line());
    }

    // ------------------------------------------------------------ layout

    @Test
    void commentsBlankLinesAndLineNumbers() throws Exception {
        ConfFile f = parse("# heading\n\n   # indented comment\nalpha = 1   # trailing\n\t beta_2B=\"x\"#tight\n\n");
        assertEquals(2, f.entries().size());
        assertEquals(new ConfEntry("alpha", uns(1), 4), f.entries().get(0));
        assertEquals(new ConfEntry("beta_2B", str("x"), 5), f.entries().get(1));
    }

    @Test
    void onlyCommentsGiveNoEntries() throws Exception {
        assertTrue(parse("# a\n#b = 1\n\n# c").isEmpty());
        assertTrue(parse("").isEmpty());
        assertTrue(parse("\n# leading blank line then a comment\n").isEmpty());
    }

    @Test
    void semicolonSeparators() throws Exception {
        ConfFile f = parse("a = 1; b = \"2\" ;c=[ \"3\" ];\nd = 4;");
        assertEquals(List.of("a", "b", "c", "d"), f.entries().stream().map(ConfEntry::name).toList());
        assertEquals(1, f.entries().get(2).line());
        assertEquals(2, f.entries().get(3).line());
    }

    @Test
    void trailingCommentSwallowsTheRestOfTheLine() throws Exception {
        ConfFile f = parse("a = 1 # ; b = 2\n");
        assertEquals(1, f.entries().size());
    }

    @Test
    void crLfLineEndings() throws Exception {
        ConfFile f = parse("a = 1\r\n\r\nb = 2\r\n");
        assertEquals(3, f.entries().get(1).line());
        // A lone CR separates statements but is not counted as a new line.
        assertEquals(1, parse("a = 1\rb = 2").entries().get(1).line());
    }

    @Test
    void duplicatesAreKeptAndFirstWins() throws Exception {
        ConfFile f = parse("a = 1\na = 2\n");
        assertEquals(2, f.entries().size());
        assertEquals(uns(1), f.first("a").orElseThrow().value());
        assertTrue(f.first("A").isEmpty());
    }

    @Test
    void memoryConfName() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfParser.parse("a ="));
        assertEquals("configuration file syntax error: memory conf:1: expecting a value", e.getMessage());
    }

    // ------------------------------------------------------------ syntax errors

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        a = \\n                      | 1 | expecting a value
        a =                          | 1 | expecting a value
        a = x                        | 1 | expecting a value
        a = \\n\\n                   | 1 | expecting a value
        x = 1\\n\\nb 2\\n            | 3 | expecting an assignment
        a.b = 1                      | 1 | expecting an assignment
        1a = 2                       | 1 | expecting a name
        _a = 2                       | 1 | expecting a name
        \\n                          | 2 | expecting a name
        `   `                        | 1 | expecting a name
        a = 1 ; ; b = 2              | 1 | expecting a name
        a = 1 b = 2                  | 1 | expecting a separator
        a = 1.5                      | 1 | expecting a separator
        a = 12abc                    | 1 | expecting a separator
        a = "abc\\nb = 1             | 1 | unterminated string
        a = 'abc                     | 1 | unterminated string
        a = "abc'                    | 1 | unterminated string
        a = \"\"\"abc\\ndef\\n       | 2 | unterminated string
        a = \"\"\"abc\\ndef\\n\\n\\n | 3 | unterminated string
        a = \"\"\"abc\"\"             | 1 | unterminated string
        a = -                        | 1 | unterminated number
        a = +x                       | 1 | unterminated number
        a = - 1                      | 1 | unterminated number
        a = [ "x" "y" ]              | 1 | expecting a separator in list
        a = [ "x",\\n                | 2 | expecting a value
        a = [ "x"\\n                 | 2 | list is not closed with ]
        a = [                        | 1 | list is not closed with ]
        a = [ # no comments\\n ]     | 1 | expecting a value
        a = [ "x", # nor here\\n ]   | 1 | expecting a value
        ok = 1\\n\\n\\nbad = [ 1,\\n 2 3 ] | 5 | expecting a separator in list
        """)
    void syntaxErrors(String input, int line, String info) {
        String text = input.replace("\\n", "\n");
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
        assertEquals("configuration file syntax error: t.conf:" + line + ": " + info, e.getMessage());
        assertEquals(ConfigException.Kind.SYNTAX, e.kind());
        assertEquals("t.conf", e.file());
        assertEquals(line, e.line());
    }

    // ------------------------------------------------------------ files

    @Test
    void readsFileAndReportsItsPath(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("x.conf");
        Files.writeString(f, "a = 1\nb = \"ü\"\n", StandardCharsets.UTF_8);
        try {
            ConfFile c = ConfParser.read(f);
            assertEquals(f.toString(), c.fileName());
            assertEquals(str("ü"), c.first("b").orElseThrow().value());
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
        Files.writeString(f, "a = 1\nb = \n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfParser.read(f));
        assertEquals("configuration file syntax error: " + f + ":2: expecting a value", e.getMessage());
    }

    @Test
    void readErrors(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfParser.read(missing));
        assertEquals("Failed to open file '" + missing + "': No such file or directory", e.getMessage());
        assertEquals(ConfigException.Kind.SYSTEM, e.kind());

        e = assertThrows(ConfigException.class, () -> ConfParser.read(dir));
        assertEquals("Failed to read file '" + dir + "': Is a directory", e.getMessage());

        Path big = dir.resolve("big.conf");
        byte[] data = new byte[ConfParser.MAX_CONFIG_FILE_SIZE + 1];
        java.util.Arrays.fill(data, (byte) '#');
        Files.write(big, data);
        e = assertThrows(ConfigException.class, () -> ConfParser.read(big));
        assertEquals("Failed to read file '" + big + "': Value too large for defined data type", e.getMessage());
    }
}
