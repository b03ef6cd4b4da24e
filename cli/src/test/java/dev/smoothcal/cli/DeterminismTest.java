package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's reproducibility claim through the command line: the same seed and data give byte-identical
 * model.onnx and history.csv on CPU, with Mixup and CutMix on (augmented in-graph, a batch ahead of
 * training) and a dropout layer in the model.
 */
class DeterminismTest {
    @Test
    void sameSeedTwiceGivesByteIdenticalModelAndHistory(@TempDir Path tmp) throws IOException {
        Path a = train(tmp.resolve("a"), "7");
        Path b = train(tmp.resolve("b"), "7");
        for (String file : new String[] {"model.onnx", "history.csv"}) {
            assertArrayEquals(Files.readAllBytes(a.resolve(file)), Files.readAllBytes(b.resolve(file)), file);
        }
        for (String plot : new String[] {"loss.png", "accuracy.png", "ece.png", "learning_rate.png"}) {
            assertTrue(Files.size(a.resolve("plots").resolve(plot)) > 0, plot);
        }
        assertEquals(3, Files.readAllLines(a.resolve("history.csv")).size(), "header + 2 epochs");
        Path c = train(tmp.resolve("c"), "8");
        assertFalse(Arrays.equals(Files.readAllBytes(a.resolve("history.csv")),
                Files.readAllBytes(c.resolve("history.csv"))), "another seed gives another history");
    }

    private static Path train(Path out, String seed) {
        assertEquals(0, Main.execute("train", "--data", "digits", "--model", "cnn", "--epochs", "2", "--batch-size", "64",
                "--label-smoothing", "0.1", "--mixup", "0.2", "--cutmix", "1.0", "--seed", seed, "--out",
                out.toString()));
        return out;
    }
}
