package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's code is a test: every {@code java} block of its "Use from Java" section is, character for
 * character after removing indentation, a region between {@code // README: NAME} and {@code // README: end}
 * in a {@code UserGuideTest} of some module (which CI runs), and every region is shown in the README; the
 * {@code xml} block is the dependency section of {@code examples/java-api/pom.xml}, which CI builds.
 */
class ReadmeSnippetsTest {
    private static final Pattern REGION = Pattern.compile("\\n([ \\t]*)// README: (\\w[\\w-]*)\\n(.*?)\\n[ \\t]*// README: end",
            Pattern.DOTALL);
    private static final Pattern BLOCK = Pattern.compile("```(java|xml)\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyJavaBlockOfUseFromJavaIsTestedCode() throws IOException {
        Map<String, String> regions = regions();
        assertFalse(regions.isEmpty(), "no README regions found in any UserGuideTest");
        List<String> blocks = blocks("java");
        assertFalse(blocks.isEmpty(), "no java block in the README's Use from Java section");
        List<String> shown = new ArrayList<>();
        for (String block : blocks) {
            String match = regions.entrySet().stream().filter(e -> e.getValue().equals(block)).map(Map.Entry::getKey)
                    .findFirst().orElse(null);
            assertTrue(match != null, "README block is no UserGuideTest region (edit both together):\n" + block);
            shown.add(match);
        }
        for (String name : regions.keySet()) {
            assertTrue(shown.contains(name), "UserGuideTest region '" + name + "' is not shown in the README");
        }
    }

    @Test
    void theXmlBlockIsTheExamplesDependencies() throws IOException {
        List<String> xml = blocks("xml");
        assertEquals(1, xml.size(), "one xml block in Use from Java");
        String pom = Files.readString(root().resolve("examples/java-api/pom.xml"));
        assertTrue(indentedBy(xml.get(0), 2, pom),
                "the README's dependency block is not examples/java-api/pom.xml's:\n" + xml.get(0));
    }

    private static boolean indentedBy(String block, int spaces, String text) {
        StringBuilder b = new StringBuilder();
        for (String line : block.split("\n", -1)) {
            b.append(line.isEmpty() ? "" : " ".repeat(spaces) + line).append('\n');
        }
        String indented = b.substring(0, b.length() - 1);
        return text.contains(indented);
    }

    private static List<String> blocks(String language) throws IOException {
        String readme = Files.readString(root().resolve("README.md"));
        int start = readme.indexOf("\n## Use from Java\n");
        assertTrue(start >= 0, "README has no 'Use from Java' section");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        List<String> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(section);
        while (m.find()) {
            if (m.group(1).equals(language)) {
                out.add(m.group(2).stripTrailing());
            }
        }
        return out;
    }

    private static Map<String, String> regions() throws IOException {
        Map<String, String> regions = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(root())) {
            for (Path f : files.filter(p -> p.getFileName().toString().equals("UserGuideTest.java"))
                    .filter(p -> p.toString().contains("/src/test/java/")).sorted().toList()) {
                Matcher m = REGION.matcher(Files.readString(f));
                while (m.find()) {
                    String previous = regions.put(m.group(2), dedent(m.group(3), m.group(1).length()));
                    assertTrue(previous == null, "region '" + m.group(2) + "' appears twice (" + f + ")");
                }
            }
        }
        return regions;
    }

    private static String dedent(String text, int indent) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            b.append(line.length() >= indent && line.substring(0, indent).isBlank() ? line.substring(indent)
                    : line.strip()).append('\n');
        }
        return b.toString().stripTrailing();
    }

    private static Path root() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    }
}
