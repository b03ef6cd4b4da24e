package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Main's handler maps error kinds to the exit codes of the README (bad input 2, failed check 1, backend
 * failure 3, defect 70) and names a parameter by the flag of the command that ran. A real TensorFlow
 * failure (exit 3) and a real parity failure (exit 1) are in {@link EndToEndTest}.
 */
class ExitCodesTest {
    @TempDir
    Path tmp;

    /** What the handler printed and returned. */
    private record Handled(int code, List<String> lines) {
        String first() {
            return lines.get(0);
        }

        boolean hasTrace() {
            return lines.stream().anyMatch(l -> l.startsWith("\tat "));
        }
    }

    private static Handled handle(Exception e, String command, boolean verbose) {
        Main main = new Main();
        main.verbose = verbose;
        CommandLine top = new CommandLine(main);
        CommandLine cli = command == null ? top : top.getSubcommands().get(command);
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int code = Main.handle(e, cli);
        return new Handled(code, err.toString().lines().toList());
    }

    @Test
    void eachKindHasItsExitCode() {
        assertEquals(2, handle(SmoothcalException.invalid("epochs", "must be in [1, 10000], found 0"), "train", false).code());
        assertEquals(2, handle(new SmoothcalException("bad file"), "evaluate", false).code());
        assertEquals(1, handle(SmoothcalException.checkFailed("parity failed"), "interop", false).code());
        assertEquals(3, handle(SmoothcalException.backend("TensorFlow failed", new RuntimeException("x")), "train",
                false).code());
        assertEquals(70, handle(SmoothcalException.defect("no batch to train: call start first"), "train", false).code());
        assertEquals(70, handle(new NullPointerException("oops"), "train", false).code());
    }

    @Test
    void aParameterIsNamedByTheFlagOfTheCommandThatRan() {
        SmoothcalException smoothing = SmoothcalException.invalid("labelSmoothing", "must be in [0, 1), found 1.5");
        assertEquals(List.of("smoothcal: error: --label-smoothing must be in [0, 1), found 1.5"),
                handle(smoothing, "train", false).lines());
        SmoothcalException model = SmoothcalException.invalid("model", "must be one of [mlp, cnn], found 'x'");
        assertEquals("smoothcal: error: --model must be one of [mlp, cnn], found 'x'", handle(model, "train", false).first());
        assertEquals("smoothcal: error: --models must be one of [mlp, cnn], found 'x'", handle(model, "bench", false).first());
        SmoothcalException output = SmoothcalException.invalid("outputName", ": expected one of [logits], found 'p'");
        assertEquals("smoothcal: error: --output-name: expected one of [logits], found 'p'",
                handle(output, "evaluate", false).first());
        SmoothcalException libraryOnly = SmoothcalException.invalid("preprocessing", "must be set");
        assertEquals("smoothcal: error: preprocessing must be set", handle(libraryOnly, "evaluate", false).first());
    }

    @Test
    void aDefectIsOneLineAskingForAReportAndTheTraceOnlyWithVerbose() {
        Handled quiet = handle(SmoothcalException.defect("no batch to train: call start first"), "train", false);
        assertEquals(List.of("smoothcal: error: defect in smoothcal: no batch to train: call start first (run with "
                + "--verbose for the stack trace, and please report it)"), quiet.lines());
        Handled verbose = handle(SmoothcalException.defect("no batch to train: call start first"), "train", true);
        assertEquals("smoothcal: error: defect in smoothcal: no batch to train: call start first", verbose.first());
        assertTrue(verbose.hasTrace(), String.join("\n", verbose.lines()));

        Handled unexpected = handle(new IllegalStateException("oops"), "evaluate", false);
        assertEquals(List.of("smoothcal: error: unexpected IllegalStateException: oops (run with --verbose for the "
                + "stack trace, and please report it)"), unexpected.lines());
        assertTrue(handle(new IllegalStateException("oops"), "evaluate", true).hasTrace());
    }

    @Test
    void backendFailuresAndBadInputPrintNoTraceWithoutVerbose() {
        Handled backend = handle(SmoothcalException.backend("could not restore checkpoint c: Data loss", null), "train",
                false);
        assertEquals(List.of("smoothcal: error: could not restore checkpoint c: Data loss"), backend.lines());
        assertFalse(handle(new SmoothcalException("bad"), "train", false).hasTrace());
    }

    @Test
    void badInputFromTheCommandLineExits2WithTheFlag() {
        int[] code = new int[1];
        String err = EndToEndTest.captureErr(() -> code[0] = Main.execute("train", "--label-smoothing", "1.5", "--out",
                tmp.resolve("never").toString()));
        assertEquals(2, code[0], err);
        assertTrue(err.contains("smoothcal: error: --label-smoothing must be in [0, 1), found 1.5"), err);
        String split = EndToEndTest.captureErr(() -> code[0] = Main.execute("evaluate", "--model", "m.onnx",
                "--calibrate-on", "val", "--out", tmp.resolve("never").toString()));
        assertEquals(2, code[0], split);
        assertTrue(split.contains("smoothcal: error: --calibrate-on must be one of [validation, train, test], found 'val'"), split);
        String picocli = EndToEndTest.captureErr(() -> code[0] = Main.execute("train", "--epochs", "many"));
        assertEquals(2, code[0], picocli);
        assertTrue(picocli.contains("smoothcal: error: Invalid value for option '--epochs'"), picocli);
    }
}
