package dev.smoothcal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java fingerprint must match the one docker/build-images.sh writes into the image labels. */
class DistFingerprintTest {

    private static final Path BUILD_SCRIPT = Path.of("..", "docker", "build-images.sh");

    @TempDir
    Path dist;

    @Test
    void matchesTheBuildScript() throws Exception {
        Files.createDirectories(dist.resolve("lib"));
        Files.writeString(dist.resolve("smoothcal.jar"), "launcher");
        Files.writeString(dist.resolve("lib/a-1.0.jar"), "aaaa");
        Files.writeString(dist.resolve("lib/a.jar"), "a");
        Files.writeString(dist.resolve("lib/b.jar"), "");

        assertEquals(fromBuildScript(dist), DistFingerprint.of(dist));
    }

    @Test
    void changesWhenAJarChangesSize() throws IOException {
        Files.writeString(dist.resolve("smoothcal.jar"), "launcher");
        String before = DistFingerprint.of(dist);
        Files.writeString(dist.resolve("smoothcal.jar"), "launcher 2");
        assertNotEquals(before, DistFingerprint.of(dist));
    }

    /** Runs the script's own tree_fingerprint function (GNU find and coreutils, as on CI). */
    private static String fromBuildScript(Path folder) throws IOException, InterruptedException {
        String script = "source <(sed -n '/^sha256_of_stdin()/p; /^tree_fingerprint()/,/^}/p' \"$1\")\n"
                + "tree_fingerprint \"$2\"\n";
        Process p = new ProcessBuilder("bash", "-c", script, "bash", BUILD_SCRIPT.toString(), folder.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), () -> "tree_fingerprint failed: " + output);
        return output;
    }
}
