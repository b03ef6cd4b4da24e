package dev.smoothcal.it;

import static dev.smoothcal.it.CliAssertions.assertCleanFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;

/** The evaluation-only image: no TensorFlow inside, and clear errors for what it cannot do. */
@ExtendWith(SmoothcalImages.class)
class EvaluatorImageIT {

    @TempDir
    static Path tmp;

    private static Path out;

    @BeforeAll
    static void folders() throws IOException {
        out = HostFolders.writableByContainer(tmp, "out");
    }

    @AfterAll
    static void handBackFolders() {
        if (out != null) {
            HostFolders.releaseToHost(SmoothcalImages.EVALUATOR, out);
        }
    }

    @Test
    void shipsNoTensorFlowJars() {
        CliResult r = SmoothcalCli.in(SmoothcalImages.EVALUATOR).entrypoint("ls").run("/opt/smoothcal/lib");
        assertEquals(0, r.exitCode(), r::describe);
        List<String> jars = r.stdout().lines().filter(l -> l.endsWith(".jar")).toList();
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("onnxruntime")), () -> "no ONNX Runtime in " + jars);
        List<String> tensorflow = jars.stream().filter(j -> j.matches("(?i).*(tensorflow|javacpp).*")).toList();
        assertEquals(List.of(), tensorflow, "TensorFlow jars in the evaluation-only image");
    }

    @Test
    void refusesToTrainAndPointsToTheFullImage() {
        CliResult r = SmoothcalCli.in(SmoothcalImages.EVALUATOR)
                .bind(out, "/data/out", BindMode.READ_WRITE)
                .run("train", "--data", "digits", "--model", "mlp", "--epochs", "1", "--out", "/data/out/run");
        assertCleanFailure(r, Pattern.compile("tensorflow|full image", Pattern.CASE_INSENSITIVE));
        assertTrue(Files.notExists(out.resolve("run/model.onnx")), "no model from a refused training");
    }

    @Test
    void fileThatIsNotAnOnnxModelIsRejectedWithAClearMessage() throws IOException {
        Path models = HostFolders.writableByContainer(tmp, "garbage");
        Files.writeString(models.resolve("model.onnx"), "this is not a protobuf message\n", StandardCharsets.US_ASCII);
        CliResult r = SmoothcalCli.in(SmoothcalImages.EVALUATOR)
                .bind(models, "/data/model", BindMode.READ_ONLY)
                .bind(out, "/data/out", BindMode.READ_WRITE)
                .run("evaluate", "--model", "/data/model/model.onnx", "--data", "digits", "--split", "test",
                        "--out", "/data/out/eval");
        assertCleanFailure(r, Pattern.compile("model\\.onnx|ONNX", Pattern.CASE_INSENSITIVE));
        assertTrue(Files.notExists(out.resolve("eval/report.json")), "no report for a broken model");
    }
}
