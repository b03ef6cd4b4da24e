package dev.smoothcal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged distribution ({@code cli/target/dist}, run as a user runs it, in its own JVM with the
 * manifest's class path) trains from and evaluates a {@code .tar.gz} of an image folder. Unit tests run on
 * Maven's test class path, which can hold jars the distribution lacks; this runs what ships.
 */
class DistributionArchiveIT {
    private static final Path DIST_JAR = Path.of("..", "cli", "target", "dist", "smoothcal.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void trainsFromAndEvaluatesATarballLikeItsExtractedFolder() throws Exception {
        assertTrue(Files.isRegularFile(DIST_JAR), "expected the packaged distribution at " + DIST_JAR.toAbsolutePath());
        Path folder = tmp.resolve("images");
        for (String split : new String[] {"train", "test"}) {
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < 12; i++) {
                    writeGrey(folder.resolve(split + "/" + (c == 0 ? "dark" : "bright") + "/" + i + ".png"),
                            c == 0 ? 20 + i : 200 + i);
                }
            }
        }
        Path tarball = tmp.resolve("images.tar.gz");
        assertEquals(0, run(List.of("tar", "czf", tarball.toString(), "-C", folder.toString(), "train", "test")));
        Path runDir = tmp.resolve("run");
        assertEquals(0, smoothcal("train", "--data", tarball.toString(), "--model", "mlp", "--epochs", "1",
                "--out", runDir.toString()));
        assertEquals(0, smoothcal("evaluate", "--model", runDir.toString(), "--data", tarball.toString(),
                "--bootstrap", "0", "--out", tmp.resolve("from-tarball").toString()));
        assertEquals(0, smoothcal("evaluate", "--model", runDir.toString(), "--data", folder.toString(),
                "--bootstrap", "0", "--out", tmp.resolve("from-folder").toString()));
        JsonNode a = JSON.readTree(tmp.resolve("from-tarball/report.json").toFile());
        JsonNode b = JSON.readTree(tmp.resolve("from-folder/report.json").toFile());
        assertEquals(b.path("data").path("fingerprint"), a.path("data").path("fingerprint"));
        assertEquals(24, a.path("data").path("size").asInt());
        for (String metric : new String[] {"accuracy", "nll", "brier", "ece"}) {
            assertEquals(b.path(metric), a.path(metric), metric);
        }
    }

    private int smoothcal(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", DIST_JAR.toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    private int run(List<String> command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(tmp, "process", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + ": still running after 5 minutes");
        }
        if (p.exitValue() != 0) {
            System.err.println(String.join(" ", command) + " exited " + p.exitValue() + ":\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return p.exitValue();
    }

    private static void writeGrey(Path file, int base) throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.getRaster().setSample(x, y, 0, Math.min(255, base + 4 * y + x));
            }
        }
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, "png", file.toFile()));
    }
}
