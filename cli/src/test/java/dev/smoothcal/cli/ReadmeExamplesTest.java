package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's command examples are a test: every {@code ./smoothcal ...} line of the ```bash blocks of its
 * Commands section runs, in the order written, from an empty folder, and each succeeds. So the examples
 * chain (train writes what evaluate, compare and interop read) and stay true to the flags.
 */
class ReadmeExamplesTest {
    /** Flags whose value, when it is a path, is relative to the folder the examples run in. */
    private static final Set<String> PATH_FLAGS = Set.of("--out", "--model", "--run", "--export-calibrated");

    @TempDir
    Path tmp;

    /** The example command lines of the Commands section, continuation lines joined, in order. */
    static List<String> examples(String readme) {
        int start = readme.indexOf("\n## Commands");
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end);
        List<String> commands = new ArrayList<>();
        int at = 0;
        while ((at = section.indexOf("```bash\n", at)) >= 0) {
            int close = section.indexOf("```", at + 8);
            String block = section.substring(at + 8, close).replace("\\\n", " ");
            block.lines().map(String::strip).filter(l -> l.startsWith("./smoothcal ")).forEach(commands::add);
            at = close + 3;
        }
        return commands;
    }

    @Test
    void theCommandExamplesRunInOrderAsWritten() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        List<String> commands = examples(readme);
        assertEquals(List.of("train", "bench", "evaluate", "evaluate", "train", "compare", "interop"),
                commands.stream().map(c -> c.split("\\s+")[1]).toList(), commands.toString());
        for (String command : commands) {
            List<String> args = new ArrayList<>(Arrays.asList(command.split("\\s+")));
            args.remove(0);
            if (args.get(0).equals("bench")) {
                // The same command, measured briefly: the example's own counts take minutes on 2 cores.
                args.addAll(List.of("--warmup", "2", "--steps", "3", "--rounds", "2"));
            }
            for (int i = 1; i < args.size(); i++) {
                // A path (not a preset name such as --model mlp) is taken relative to the example folder.
                if (PATH_FLAGS.contains(args.get(i - 1)) && args.get(i).matches(".*[/.].*")) {
                    args.set(i, tmp.resolve(args.get(i)).toString());
                }
            }
            int[] code = new int[1];
            String err = EndToEndTest.captureErr(() -> code[0] = Main.execute(args.toArray(String[]::new)));
            assertEquals(0, code[0], command + "\n" + err);
        }
        assertTrue(Files.isRegularFile(tmp.resolve("cmp/compare.json")));
        assertTrue(Files.isRegularFile(tmp.resolve("parity/parity.json")));
        assertTrue(Files.isRegularFile(tmp.resolve("runs/mlp-calibrated.onnx")));
        assertTrue(Files.isRegularFile(tmp.resolve("bench.json")));
    }
}
