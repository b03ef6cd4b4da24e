package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code smoothcal bench} through the command line: the table, its JSON, and refused counts. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesOneRowPerAugmentationWithEveryRound() throws IOException {
        Path out = tmp.resolve("bench.json");
        assertEquals(0, Main.execute("bench", "--models", "mlp", "--batch-size", "32", "--warmup", "1", "--steps", "2",
                "--rounds", "3", "--out", out.toString()));
        JsonNode bench = Json.MAPPER.readTree(out.toFile());
        // The same --overwrite rule as every command that writes, checked before any measuring.
        String err = EndToEndTest.captureErr(() -> assertEquals(2, Main.execute("bench", "--steps", "2", "--rounds",
                "1", "--warmup", "1", "--out", out.toString())));
        assertTrue(err.contains("smoothcal: error: --out " + out + " already exists; expected a new file (pass "
                + "--overwrite to replace it)"), err);
        assertEquals(bench, Json.MAPPER.readTree(out.toFile()), "the earlier file kept");
        assertEquals("smoothcal-bench/1", bench.get("format").asText());
        assertEquals(32, bench.get("batch_size").asInt());
        assertEquals(3, bench.get("rounds").asInt());
        JsonNode rows = bench.get("rows");
        assertEquals(3, rows.size());
        String[] names = {"off", "mixup 0.2", "cutmix 1.0"};
        for (int i = 0; i < 3; i++) {
            JsonNode row = rows.get(i);
            assertEquals("mlp", row.get("model").asText());
            assertEquals(names[i], row.get("augmentation").asText());
            assertEquals(3, row.get("rounds").size());
            double rate = row.get("steps_per_second").asDouble();
            assertTrue(rate > 0, "steps/s " + rate);
            assertEquals(32 * rate, row.get("images_per_second").asDouble(), 1e-9 * rate);
        }
        assertEquals(0.0, rows.get(0).get("cost_percent").asDouble(), "off is the baseline");
        assertTrue(rows.get(1).get("cost_lower_percent").isNull(), "3 rounds give no 95% interval: null, not NaN");
        // the limit: the GEMM rate over the step's arithmetic, and each rate's share of it
        double gemm = bench.get("gemm").get("gflops_per_second").asDouble();
        assertTrue(gemm > 0, "GEMM " + gemm);
        assertEquals(2048, bench.get("gemm").get("size").asInt());
        for (JsonNode row : rows) {
            double flops = row.get("gflop_per_step").asDouble();
            double limit = row.get("limit_steps_per_second").asDouble();
            assertEquals(gemm / flops, limit, 1e-9 * limit);
            assertEquals(100 * row.get("steps_per_second").asDouble() / limit, row.get("share_percent").asDouble(),
                    1e-9 * limit);
        }
    }

    @Test
    void refusesCountsOutOfRangeBeforeAnyWork() {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        Path out = tmp.resolve("bench.json");
        try {
            code = Main.execute("bench", "--rounds", "0", "--out", out.toString());
        } finally {
            System.setErr(old);
        }
        String err = buf.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, err);
        assertTrue(err.contains("smoothcal: error: --rounds must be at least 1, found 0"), err);
        assertFalse(Files.exists(out), "no table for a refused run");
    }

    @Test
    void refusesABadAugmentationOrBatchSizeBeforeTheGemmIsTimed() {
        String[][] commands = {{"bench", "--mixup", "-1"}, {"bench", "--cutmix", "NaN"}, {"bench", "--batch-size", "0"},
            {"bench", "--batch-size", "5000"}};
        String[] expected = {"--mixup", "--cutmix", "--batch-size",
            "--batch-size must be at most the 3823 images of digits/train for one batch, found 5000"};
        for (int i = 0; i < commands.length; i++) {
            String[] command = commands[i];
            PrintStream old = System.out;
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            int[] code = new int[1];
            String err;
            try {
                err = EndToEndTest.captureErr(() -> code[0] = Main.execute(command));
            } finally {
                System.setOut(old);
            }
            assertEquals(2, code[0], String.join(" ", command) + ": " + err);
            assertTrue(err.contains("smoothcal: error: " + expected[i]), err);
            assertEquals("", stdout.toString(StandardCharsets.UTF_8), "nothing measured, no table started");
        }
    }
}
