package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher's stderr filter (scripts/native-log-filter.pl) drops TensorFlow's and absl's start-up lines,
 * exactly as TensorFlow 2.18 prints them from Java, and passes everything else: warnings, errors, smoothcal's
 * own lines and progress bars redrawn with a carriage return.
 */
class NativeLogFilterTest {
    private static final Path FILTER = Path.of("..", "scripts", "native-log-filter.pl");

    private static String filter(String input) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("perl", FILTER.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "perl is not installed: the launcher then shows the native lines unfiltered");
            throw e;
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void dropsTheStartUpLinesAndPassesTheRest() throws Exception {
        assumeTrue(Files.isRegularFile(FILTER), "run from the cli module");
        String nativeLines = "2026-12-01 09:37:23.845939: I tensorflow/core/util/port.cc:153] oneDNN custom operations "
                + "are on. You may see slightly different numerical results due to floating-point round-off errors "
                + "from different computation orders. To turn them off, set the environment variable "
                + "`TF_ENABLE_ONEDNN_OPTS=0`.\n"
                + "2026-12-01 09:37:25.066086: I tensorflow/core/platform/cpu_feature_guard.cc:210] This TensorFlow "
                + "binary is optimized to use available CPU instructions in performance-critical operations.\n"
                + "To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow "
                + "with the appropriate compiler flags.\n"
                + "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
                + "I0000 00:00:1796117845.072985   19497 mlir_graph_optimization_pass.cc:401] MLIR V1 optimization "
                + "pass is not enabled\n";
        String kept = "loading digits ...\n"
                + "\repoch 1  40% [====      ] 24/60\repoch 1 100% [==========] 60/60\n"
                + "2026-12-01 09:37:25.1: W tensorflow/core/framework/op_kernel.cc:1] a real warning\n"
                + "E0000 00:00:1796117845.1   19497 a.cc:1] a real error\n"
                + "smoothcal: error: --lr must be in (0, 1], found 0.0";
        assertEquals(kept, filter(nativeLines.substring(0, 200) + nativeLines.substring(200) + kept));
        assertEquals("loading digits ...\n" + kept.substring(kept.indexOf('\n') + 1),
                filter("loading digits ...\n" + nativeLines + kept.substring(kept.indexOf('\n') + 1)));
    }
}
