package org.virtstoraged.storage.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test runner that runs nothing: it plays back recorded runs of a tool in order. Each run checks that
 * the argv asked for is exactly the recorded one (so a test fails on any difference from the command
 * line the recording was made with) and returns the recorded exit status, stdout and stderr.
 *
 * <p>Recording files ({@code *.rec}) hold entries of the form
 * <pre>
 * == argv
 * one argument per line
 * == exit
 * 0
 * == stdout
 * text, exactly as printed (may be empty)
 * == stderr
 * text
 * == end
 * </pre>
 * Lines outside an entry starting with {@code ##} are comments. Placeholders such as {@code @LOOP1@}
 * are replaced, in argv and output, by the values given to {@link #substitute}.
 */
public final class PlaybackCommandRunner implements CommandRunner {
    /** One recorded run. */
    public record Entry(List<String> argv, int exit, String stdout, String stderr) {
    }

    private final Deque<Entry> expected = new ArrayDeque<>();
    private final List<List<String>> commands = new ArrayList<>();
    private final Map<String, String> substitutions = new LinkedHashMap<>();

    public PlaybackCommandRunner substitute(String placeholder, String value) {
        substitutions.put(placeholder, value);
        return this;
    }

    /** Queues every entry of a recording file, in order. */
    public PlaybackCommandRunner expect(Path recording) {
        try {
            expected.addAll(parse(Files.readString(recording)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Queues one run made up by the test. */
    public PlaybackCommandRunner expect(List<String> argv, int exit, String stdout, String stderr) {
        expected.add(new Entry(List.copyOf(argv), exit, stdout, stderr));
        return this;
    }

    @Override
    public synchronized CommandResult run(List<String> argv) {
        commands.add(List.copyOf(argv));
        Entry next = expected.poll();
        if (next == null) {
            throw new AssertionError("unexpected command (no recording left): " + CommandLine.format(argv));
        }
        List<String> want = next.argv().stream().map(this::apply).toList();
        if (!want.equals(argv)) {
            throw new AssertionError("command differs from the recording\n  expected: " + CommandLine.format(want)
                    + "\n  actual:   " + CommandLine.format(argv));
        }
        return new CommandResult(next.exit(), apply(next.stdout()), apply(next.stderr()));
    }

    /** Every argv run so far. */
    public synchronized List<List<String>> commands() {
        return List.copyOf(commands);
    }

    /** The recorded runs not played yet. */
    public synchronized List<Entry> remaining() {
        return List.copyOf(expected);
    }

    private String apply(String text) {
        String out = text;
        for (Map.Entry<String, String> s : substitutions.entrySet()) {
            out = out.replace(s.getKey(), s.getValue());
        }
        return out;
    }

    static List<Entry> parse(String text) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        int i = 0;
        while (i < lines.length) {
            if (!lines[i].equals("== argv")) {
                if (!lines[i].isEmpty() && !lines[i].startsWith("##")) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": expected '== argv': " + lines[i]);
                }
                i++;
                continue;
            }
            List<String> argv = new ArrayList<>();
            for (i++; !lines[i].equals("== exit"); i++) {
                argv.add(lines[i]);
            }
            int exit = Integer.parseInt(lines[++i].trim());
            i++;
            if (!lines[i].equals("== stdout")) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected '== stdout'");
            }
            StringBuilder stdout = new StringBuilder();
            for (i++; !lines[i].equals("== stderr"); i++) {
                stdout.append(lines[i]).append('\n');
            }
            StringBuilder stderr = new StringBuilder();
            for (i++; !lines[i].equals("== end"); i++) {
                stderr.append(lines[i]).append('\n');
            }
            i++;
            entries.add(new Entry(argv, exit, stdout.toString(), stderr.toString()));
        }
        return entries;
    }
}
