package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL in the middle of its run loses at most the epoch in progress:
 * {@code train --resume} continues from the last complete checkpoint.
 */
class KillAndResumeTest {
    @TempDir
    Path tmp;

    @Test
    void killMinusNineThenResume() throws Exception {
        Path run = tmp.resolve("run");
        Path state = run.resolve("checkpoints/state.json");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--epochs", "200",
                "--batch-size", "32", "--seed", "9", "--out", run.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("train.log").toFile());
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (epochsDone(state) < 2) {
                assertTrue(p.isAlive(), "training ended early: " + Files.readString(tmp.resolve("train.log")));
                assertTrue(System.nanoTime() < deadline, "no second checkpoint within 120 s");
                Thread.sleep(50);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no cleanup
            p.waitFor(30, TimeUnit.SECONDS);
        }
        int done = epochsDone(state);
        JsonNode killed = Json.MAPPER.readTree(state.toFile());
        assertTrue(done >= 2, "checkpoints survive the kill");

        assertEquals(0, Main.execute("train", "--resume", run.toString(), "--epochs", Integer.toString(done + 1)));
        List<String> history = Files.readAllLines(run.resolve("history.csv"));
        assertEquals(done + 2, history.size(), "header + every epoch: none lost, none repeated");
        for (int e = 0; e < done; e++) {
            String[] row = history.get(e + 1).split(",");
            assertEquals(e + 1, Integer.parseInt(row[0]));
            // The epochs before the kill are the checkpointed ones, unchanged.
            assertEquals(killed.at("/history/" + e + "/train_loss").asDouble(), Double.parseDouble(row[1]), 1e-7);
        }
        assertTrue(Files.isRegularFile(run.resolve("model.onnx")));
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.map(p1 -> p1.getFileName().toString()).filter(n -> n.contains("staging")).toList(),
                    "the killed process's staging folder is removed by the next command that writes there");
        }
    }

    /** SIGTERM (and Ctrl-C) run the shutdown hooks: the staging folder goes with the process. */
    @Test
    void sigtermLeavesNoStagingFolder() throws Exception {
        Path run = tmp.resolve("term");
        Path state = run.resolve("checkpoints/state.json");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--epochs", "200",
                "--batch-size", "32", "--seed", "9", "--out", run.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("term.log").toFile());
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (epochsDone(state) < 1) {
                assertTrue(p.isAlive(), "training ended early: " + Files.readString(tmp.resolve("term.log")));
                assertTrue(System.nanoTime() < deadline, "no checkpoint within 120 s");
                Thread.sleep(50);
            }
            try (var staged = Files.list(tmp)) {
                assertTrue(staged.anyMatch(f -> f.getFileName().toString().startsWith(".term.staging-" + p.pid() + "-")),
                        "the staging folder names the process");
            }
        } finally {
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits on SIGTERM");
        }
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.map(f -> f.getFileName().toString()).filter(n -> n.contains("staging")).toList());
        }
    }

    private static int epochsDone(Path state) {
        try {
            return Files.isRegularFile(state) ? Json.MAPPER.readTree(state.toFile()).get("epochs_done").asInt() : 0;
        } catch (java.io.IOException e) {
            return 0; // being replaced right now: read again
        }
    }
}
