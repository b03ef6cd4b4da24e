package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** What a new user sees first: clean help, the commands of the installation, one-line fatal errors. */
class CliSurfaceTest {
    private static String captureOut(Runnable action) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyHelpIsFreeOfPicocliWarnings() {
        for (String command : List.of("demo", "train", "evaluate", "compare", "interop", "bench")) {
            int[] code = new int[1];
            String[] out = new String[1];
            String err = EndToEndTest.captureErr(() -> out[0] = captureOut(() -> code[0] = Main.execute(command,
                    "--help")));
            assertEquals(0, code[0], command);
            assertFalse(err.contains("WARN") || out[0].contains("WARN"), command + ": " + err + out[0]);
            assertFalse(out[0].contains("%n") || out[0].contains("Could not format"), command + ": " + out[0]);
        }
        String evaluate = captureOut(() -> Main.execute("evaluate", "--help"));
        assertTrue(evaluate.contains("for 95% intervals"), evaluate);
    }

    @Test
    void theEvaluatorOnlyInstallationListsOnlyItsCommands() {
        String full = captureOut(() -> Main.execute(true, "--help"));
        String evaluatorOnly = captureOut(() -> Main.execute(false, "--help"));
        for (String c : Main.TENSORFLOW_COMMANDS) {
            assertTrue(full.contains("  " + c + " "), full);
            assertFalse(evaluatorOnly.contains("  " + c + " "), c + " listed: " + evaluatorOnly);
        }
        assertTrue(evaluatorOnly.contains("  evaluate ") && evaluatorOnly.contains("  compare "), evaluatorOnly);
    }

    /** A command of the test that fails as the JVM does when an input asks for too much memory. */
    @Command(name = "explode")
    static final class Explode implements Callable<Integer> {
        final Error error;

        Explode(Error error) {
            this.error = error;
        }

        @Override
        public Integer call() {
            throw error;
        }
    }

    private static int runWith(Error error, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.addSubcommand("explode", new Explode(error));
        return Main.run(cli, args);
    }

    @Test
    void anOutOfMemoryErrorIsOneLineExitTwoNamingTheHeap() {
        int[] code = new int[1];
        String err = EndToEndTest.captureErr(() -> code[0] = runWith(new OutOfMemoryError("Java heap space"),
                "explode"));
        assertEquals(2, code[0], err);
        List<String> lines = err.lines().toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).startsWith("smoothcal: error: out of memory: this input needs more than the Java heap "
                + "of ") && lines.get(0).contains(" MiB allows (Java heap space)"), err);
        String verbose = EndToEndTest.captureErr(() -> runWith(new OutOfMemoryError("Java heap space"), "--verbose",
                "explode"));
        assertTrue(verbose.contains("\tat "), verbose);
    }

    @Test
    void anyOtherErrorIsADefectOnOneLine() {
        int[] code = new int[1];
        String err = EndToEndTest.captureErr(() -> code[0] = runWith(new StackOverflowError(), "explode"));
        assertEquals(70, code[0], err);
        assertEquals(List.of("smoothcal: error: unexpected StackOverflowError: StackOverflowError (run with --verbose "
                + "for the stack trace, and please report it)"), err.lines().toList());
    }

    @Test
    void aMessageWithLineBreaksOrControlCharactersStaysOneLine() {
        assertEquals("file a\\nb\\u001b[2J.onnx", Main.oneLine("file a\nb\u001b[2J.onnx"));
    }

    /** A training flag added later cannot escape --resume's comparison: each one is compared or allowed to change. */
    @Test
    void resumeComparesEveryTrainingFlag() {
        var training = new CommandLine(new TrainCommand()).getCommandSpec().mixins().get("training");
        for (var option : training.options()) {
            String flag = option.longestName();
            boolean compared = java.util.Arrays.stream(option.names())
                    .anyMatch(TensorFlowTasks.RESUME_SETTINGS::containsKey);
            assertTrue(compared || List.of("--epochs", "--patience", "--data", "--model", "--config").contains(flag),
                    flag);
        }
    }
}
