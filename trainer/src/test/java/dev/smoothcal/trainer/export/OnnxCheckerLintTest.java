package dev.smoothcal.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.onnx.loss.SmoothedLossGraph;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.model.ResolvedModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An extra lint of every exported graph with the reference checker, Debian's python3-onnx
 * ({@code onnx.checker.check_model(model, full_check=True)}, which also runs strict shape inference).
 * The real acceptance test is ONNX Runtime agreeing with TensorFlow (OnnxExportParityTest); this one
 * catches files that ORT tolerates but other consumers would reject. Skipped, saying why, where the
 * checker is not installed (.ci/run installs it).
 */
class OnnxCheckerLintTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    static Path tmp;

    /** Before each test rather than all, so that Surefire counts a skip as a skipped test, not as none run. */
    @BeforeEach
    void checkerInstalled() throws Exception {
        boolean python = Files.isExecutable(PYTHON);
        // From a folder of its own: a folder named onnx in the working directory would import as a namespace package.
        boolean onnx = python && new ProcessBuilder(PYTHON.toString(), "-c", "import onnx.checker")
                .directory(tmp.toFile()).start().waitFor() == 0;
        if (!onnx) {
            String reason = "Debian's python3-onnx is not installed (apt-get install python3-onnx): ONNX checker lint skipped";
            // Printed as well, so the skip and its reason show in the build log, not only in the reports.
            System.out.println("SKIPPED " + OnnxCheckerLintTest.class.getSimpleName() + ": " + reason);
            assumeTrue(false, reason);
        }
    }

    @Test
    void everyPresetAndTheLossGraphsPassFullCheck() throws Exception {
        List<String> files = new ArrayList<>();
        for (String preset : List.of("mlp", "cnn", "minigooglenet", "resnet20")) {
            for (ImageShape shape : List.of(new ImageShape(8, 8, 1), new ImageShape(32, 32, 3))) {
                ResolvedModel model = ModelSpec.preset(preset).resolve(shape, 10);
                Path file = tmp.resolve(preset + "-" + shape + ".onnx");
                OnnxModels.write(OnnxExport.build(model, Forwards.normalization(shape.channels()),
                        Forwards.random(model, 3), ModelMetadata.NONE), file);
                files.add(file.toString());
            }
        }
        for (SmoothingConvention c : SmoothingConvention.values()) {
            Path file = tmp.resolve("loss-" + c.id() + ".onnx");
            OnnxModels.write(new SmoothedLossGraph(c).toModel(), file);
            files.add(file.toString());
        }
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-c",
                "import sys, onnx\n"
                        + "for f in sys.argv[1:]:\n"
                        + "    m = onnx.load(f)\n"
                        + "    onnx.checker.check_model(m, full_check=True)\n"
                        + "    print('ok', m.ir_version, m.opset_import[0].version, f)\n"));
        command.addAll(files);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "checker timed out");
        assertEquals(0, p.exitValue(), output);
        assertEquals(files.size(), output.lines().filter(l -> l.startsWith("ok 8 17 ")).count(), output);
    }

}
