package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad training configurations are refused before any work, naming the field and the allowed range. */
class TrainConfigErrorsTest {
    @TempDir
    Path tmp;

    private void assertRefused(String expected, String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute(args);
        } finally {
            System.setErr(old);
        }
        String err = buf.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, String.join(" ", args) + ": " + err);
        assertTrue(err.contains("smoothcal: error: " + expected), "expected '" + expected + "' in: " + err);
        assertFalse(err.contains("epoch 1"), "refused before training: " + err);
    }

    @Test
    void augmentationAndSmoothingOutOfRange() {
        String out = tmp.resolve("out").toString();
        assertRefused("--mixup must be finite and >= 0 (0 = off), found -0.2", "train", "--mixup", "-0.2", "--out", out);
        assertRefused("--cutmix must be finite and >= 0 (0 = off), found -1.0", "train", "--cutmix", "-1", "--out", out);
        assertRefused("--mix-prob must be in [0, 1], found 2.0", "train", "--mix-prob", "2", "--out", out);
        assertRefused("--label-smoothing must be in [0, 1), found 1.0", "train", "--label-smoothing", "1", "--out", out);
        assertRefused("--lr must be in (0, 1], found 0.0", "train", "--lr", "0", "--out", out);
        assertRefused("--schedule must be one of constant, step, polynomial, cosine, found 'linear'", "train",
                "--schedule", "linear", "--out", out);
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void cutmixMinmaxAndNormalizationAreChecked() {
        String out = tmp.resolve("out").toString();
        assertRefused("--cutmix-minmax must be MIN,MAX with 0 < MIN < MAX <= 1, found 0.8,0.2", "train",
                "--cutmix-minmax", "0.8,0.2", "--out", out);
        assertRefused("--cutmix-minmax must be MIN,MAX with 0 < MIN < MAX <= 1, found 0.0,0.5", "train",
                "--cutmix-minmax", "0,0.5", "--out", out);
        assertRefused("--cutmix-minmax must be MIN,MAX with 0 < MIN < MAX <= 1, found 0.2,1.2", "train",
                "--cutmix-minmax", "0.2,1.2", "--out", out);
        assertRefused("--cutmix-minmax must be two numbers MIN,MAX, found [0.5]", "train", "--cutmix-minmax", "0.5",
                "--out", out);
        assertRefused("--normalization must be one of channel, mean-image, found 'pixel'", "train", "--normalization",
                "pixel", "--out", out);
        assertFalse(Files.exists(tmp.resolve("out")));
    }

    @Test
    void imageTooSmallForTheArchitecture() throws IOException {
        Path model = Files.writeString(tmp.resolve("big-kernel.json"), "{\"name\": \"big\", \"layers\": ["
                + "{\"type\": \"conv2d\", \"filters\": 4, \"kernel\": [9, 9], \"padding\": \"valid\"},"
                + "{\"type\": \"flatten\"}]}");
        assertRefused("model big: layers[0]", "train", "--model", model.toString(), "--out", tmp.resolve("o").toString());
        assertFalse(Files.exists(tmp.resolve("o")));
    }

    @Test
    void classCountOfModelAndDataDiffer() throws IOException {
        Path model = Files.writeString(tmp.resolve("five.json"),
                "{\"name\": \"five\", \"classes\": 5, \"layers\": [{\"type\": \"flatten\"}]}");
        assertRefused("model five declares 5 classes, found data with 10 classes", "train", "--model", model.toString(),
                "--out", tmp.resolve("o").toString());
        assertFalse(Files.exists(tmp.resolve("o")));
    }

    @Test
    void resumeOfAnotherDatasetIsRefused() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, Main.execute("train", "--epochs", "1", "--out", run.toString()));
        Path csv = tmp.resolve("other.csv");
        Files.writeString(csv, "0,".repeat(64) + "3\n" + "1,".repeat(64) + "4\n");
        assertRefused("--resume: the run was trained with --data digits, found --data " + csv, "train", "--resume",
                run.toString(), "--data", csv.toString(), "--epochs", "2");
    }
}
