package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Flag names live only in {@code cli}: the library's messages name its own parameters, and {@link Flags}
 * maps every one of them. Both checks read the main sources of the library modules: every folder beside
 * {@code cli/} (where the test runs) with a {@code pom.xml} and {@code src/main/java}, so a new module is
 * checked without being listed here. The core modules must be among them, so a changed layout fails the
 * test rather than passing it unread.
 */
class FlagNamesTest {
    /** Modules that must be found among the library's: a layout where they are not is a broken test. */
    private static final List<String> CORE_MODULES = List.of("core", "onnx", "trainer", "evaluator", "interop");

    /** A command-line flag: two dashes, a lower-case letter, then letters and dashes ({@code --label-smoothing}). */
    private static final Pattern FLAG = Pattern.compile("--[a-z][a-z-]+");

    /** {@code invalid(} with its first argument: a string literal (group 1) or an identifier (group 2). */
    private static final Pattern INVALID = Pattern.compile("\\binvalid\\(\\s*(?:\"([^\"]*)\"|([A-Za-z_]\\w*))");

    /**
     * A call whose first argument is a camelCase string literal: how helpers pass a parameter's name on.
     * Enum constants ({@code ACCURACY("accuracy", ...)}) are not calls of a helper and are left out.
     */
    private static final Pattern NAME_ARGUMENT = Pattern.compile(
            "\\b(?![A-Z][A-Z0-9_]*\\()\\w+\\(\\s*\"([a-z][A-Za-z]*)\"\\s*,");

    /** {@code DatasetSplit.parse(parameter, text)}, the library's one public method that takes a parameter's name. */
    private static final Pattern SPLIT_PARAMETER = Pattern.compile("\\bDatasetSplit\\.parse\\(\\s*\"([a-z][A-Za-z]*)\"\\s*,");

    @Test
    void noLibraryStringLiteralNamesAFlag() {
        Map<String, List<String>> found = new TreeMap<>();
        for (Path file : librarySources()) {
            List<String> flags = new ArrayList<>();
            for (String literal : stringLiterals(read(file))) {
                Matcher m = FLAG.matcher(literal);
                if (m.find()) {
                    flags.add("\"" + literal + "\"");
                }
            }
            String name = root().relativize(file).toString().replace('\\', '/');
            if (!flags.isEmpty()) {
                found.put(name, flags);
            }
        }
        assertEquals(Map.of(), found, "library messages must name the Java parameter (SmoothcalException.invalid), "
                + "never a command-line flag; the CLI maps parameters to flags in Flags");
    }

    @Test
    void everyParameterTheLibraryNamesHasAFlagOrIsLibraryOnly() {
        Map<String, String> unmapped = new TreeMap<>();
        for (Path file : mainSources(Stream.concat(libraryModules().stream(), Stream.of("cli")).toList())) {
            for (String name : parameterNames(read(file))) {
                if (!Flags.DEFAULT.containsKey(name) && !Flags.LIBRARY_ONLY.contains(name)) {
                    unmapped.put(name, root().relativize(file).toString());
                }
            }
        }
        assertEquals(Map.of(), unmapped, "parameters named by SmoothcalException.invalid without an entry in Flags");
    }

    @Test
    void everyFlagOfTheTableExistsInACommand() {
        Map<String, CommandLine> commands = new CommandLine(new Main()).getSubcommands();
        Set<String> missing = new TreeSet<>();
        Flags.DEFAULT.forEach((parameter, flag) -> {
            if (commands.values().stream().noneMatch(c -> c.getCommandSpec().findOption(flag) != null)) {
                missing.add(parameter + " -> " + flag);
            }
        });
        Flags.BY_COMMAND.forEach((command, table) -> table.forEach((parameter, flag) -> {
            assertTrue(commands.containsKey(command), "no command " + command);
            if (commands.get(command).getCommandSpec().findOption(flag) == null) {
                missing.add(command + ": " + parameter + " -> " + flag);
            }
        }));
        assertEquals(Set.of(), missing, "flags in Flags that no command has");
        assertTrue(Flags.LIBRARY_ONLY.stream().noneMatch(Flags.DEFAULT::containsKey), "library-only yet mapped");
    }

    @Test
    void theScannersSeeWhatTheyLookFor() {
        String source = "class A { // a \"--comment\" is no literal\n"
                + "  void f() { throw SmoothcalException.invalid(\"labelSmoothing\", \"must be ...\"); }\n"
                + "  void g(String name) { check(\"mixupAlpha\", 1); throw SmoothcalException.invalid(name, \"x\"); }\n"
                + "  DatasetSplit h() { return DatasetSplit.parse(\"calibrateOn\", v); }\n"
                + "  char q = '\"'; String s = \"say \\\"--lr\\\" here\"; /* \"--block\" */ String t = \"\"\"\n"
                + "      a text block with --flag\n      \"\"\";\n}\n";
        assertEquals(List.of("labelSmoothing", "must be ...", "mixupAlpha", "x", "calibrateOn", "say \\\"--lr\\\" here",
                "\n      a text block with --flag\n      "), stringLiterals(source));
        assertEquals(Set.of("labelSmoothing", "mixupAlpha", "calibrateOn"), parameterNames(source));
        assertEquals(Set.of(), parameterNames("void f() { ConsoleProgress.start(\"evaluating\", 3); }"));
    }

    /**
     * The parameter names a source file gives {@code invalid}: its literal first arguments and, where a
     * helper passes a name on ({@code invalid(name, ...)}), the camelCase literals the file hands to calls
     * as first argument ({@code checkAlpha("mixupAlpha", v)}); and the names given to
     * {@code DatasetSplit.parse("calibrateOn", v)}.
     * The second set may hold more than parameter names, which would fail the test loudly, never silently.
     */
    static Set<String> parameterNames(String source) {
        Set<String> names = new TreeSet<>();
        boolean passesNamesOn = false;
        Matcher m = INVALID.matcher(source);
        while (m.find()) {
            if (m.group(1) != null) {
                names.add(m.group(1));
            } else {
                passesNamesOn = true;
            }
        }
        if (passesNamesOn) {
            Matcher helper = NAME_ARGUMENT.matcher(source);
            while (helper.find()) {
                names.add(helper.group(1));
            }
        }
        Matcher split = SPLIT_PARAMETER.matcher(source);
        while (split.find()) {
            names.add(split.group(1));
        }
        return names;
    }

    /** The contents of the string literals and text blocks of a Java source, comments and char literals skipped. */
    static List<String> stringLiterals(String s) {
        List<String> literals = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                i = s.indexOf('\n', i) < 0 ? s.length() : s.indexOf('\n', i);
            } else if (s.startsWith("/*", i)) {
                i = s.indexOf("*/", i + 2) < 0 ? s.length() : s.indexOf("*/", i + 2) + 2;
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                end = end < 0 ? s.length() : end;
                literals.add(s.substring(i + 3, end));
                i = end + 3;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c && s.charAt(j) != '\n') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                if (c == '"') {
                    literals.add(s.substring(i + 1, Math.min(j, s.length())));
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return literals;
    }

    private static List<Path> librarySources() {
        return mainSources(libraryModules());
    }

    /** Every module but {@code cli} with main sources. */
    private static List<String> libraryModules() {
        List<String> modules = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root())) {
            dirs.filter(d -> Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("src/main/java")))
                    .map(d -> d.getFileName().toString()).filter(m -> !m.equals("cli")).sorted().forEach(modules::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(modules.containsAll(CORE_MODULES), "expected the modules " + CORE_MODULES + ", found " + modules);
        return modules;
    }

    private static List<Path> mainSources(List<String> modules) {
        List<Path> files = new ArrayList<>();
        for (String module : modules) {
            Path dir = root().resolve(module).resolve("src/main/java");
            assertTrue(Files.isDirectory(dir), "module sources not found: " + dir);
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertTrue(files.size() > 50, "expected the library's sources, found " + files.size() + " files");
        return files;
    }

    private static Path root() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
