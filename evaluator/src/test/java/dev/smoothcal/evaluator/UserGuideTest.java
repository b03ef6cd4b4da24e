package dev.smoothcal.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.gate.Gate;
import dev.smoothcal.evaluator.gate.GateResult;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.report.ReportFiles;
import dev.smoothcal.onnx.Attribute;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use from Java" evaluation snippets, run as written, on a foreign ONNX model written here
 * (a nearest-class-mean classifier of the built-in digits, one {@code Gemm} and a {@code Softmax}, with an
 * NCHW input): the code between {@code README:} markers is the README's (cli's ReadmeSnippetsTest checks).
 */
class UserGuideTest {
    @TempDir
    static Path tmp;
    static Path modelOnnx;

    @BeforeAll
    static void foreignModel() {
        Dataset train = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        float[] w = new float[64 * 10];
        float[] b = new float[10];
        int[] counts = new int[10];
        double[][] mean = new double[10][64];
        for (int i = 0; i < train.size(); i++) {
            counts[train.labels()[i]]++;
            for (int j = 0; j < 64; j++) {
                mean[train.labels()[i]][j] += train.images()[i * 64 + j];
            }
        }
        for (int k = 0; k < 10; k++) {
            double norm = 0;
            for (int j = 0; j < 64; j++) {
                mean[k][j] /= counts[k];
                norm += mean[k][j] * mean[k][j];
                w[j * 10 + k] = (float) (0.05 * mean[k][j]);
            }
            b[k] = (float) (-0.05 * norm / 2);
        }
        modelOnnx = tmp.resolve("foreign.onnx");
        OnnxModels.write(new OnnxGraphBuilder("foreign")
                .input("pixel_values", Dim.BATCH, Dim.of(1), Dim.of(8), Dim.of(8))
                .output("scores", Dim.BATCH, Dim.of(10))
                .initializer("w", w, 64, 10)
                .initializer("b", b, 10)
                .node("Flatten", List.of("pixel_values"), "flat", Attribute.ofInt("axis", 1))
                .node("Gemm", List.of("flat", "w", "b"), "z")
                .node("Softmax", List.of("z"), "scores", Attribute.ofInt("axis", 1))
                .build(ModelMetadata.NONE), modelOnnx);
    }

    @Test
    void evaluateAnyOnnxFileAndGateIt() throws Exception {
        Path outDir = Files.createDirectories(tmp.resolve("eval"));
        // README: evaluate
        Dataset test = DatasetSource.builtInDigits(DatasetSplit.TEST);
        EvaluationReport report = Evaluation.run(EvaluationRequest.of(modelOnnx, test)
                .withBins(15).withBootstrapReplicates(200));
        System.out.printf("accuracy %.4f, ECE %.4f (95%% interval %.4f to %.4f)%n", report.accuracy(), report.ece(),
                report.bootstrap().expectedCalibrationError().lower(),
                report.bootstrap().expectedCalibrationError().upper());
        ReportFiles.write(report, outDir); // report.json, bins.csv, reliability diagrams, report.html
        // README: end
        assertEquals("nchw", report.model().layout(), "NCHW input detected from the model's shape");
        assertEquals("probabilities", report.model().outputKind(), "a Softmax output detected at open");
        assertTrue(report.accuracy() > 0.85, "nearest class mean on digits: " + report.accuracy());
        assertEquals(Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(report)),
                Json.MAPPER.readTree(outDir.resolve("report.json").toFile()),
                "report.json is the result serialised");

        // README: gate
        GateResult gate = Gate.of(List.of("accuracy >= 0.85", "ece <= 0.01")).check(report);
        gate.failures().forEach(v -> System.out.printf("%s: found %.4f%n", v.rule(), v.value()));
        // README: end
        assertFalse(gate.passed());
        assertEquals(List.of("ece <= 0.01"), gate.failures().stream().map(v -> v.rule()).toList());
    }

    @Test
    void classifyABatch() {
        Dataset test = DatasetSource.builtInDigits(DatasetSplit.TEST);
        // README: classify
        try (ImageClassifier classifier = ImageClassifier.open(modelOnnx, test.shape(), InferenceOptions.DEFAULTS,
                ExecutionProvider.CPU)) {
            ImageClassifier.Batch batch = classifier.predict(test.images(), 0, 4); // images 0..3
            System.out.println(classifier.layout() + ", " + classifier.outputKind() + ", first row "
                    + Arrays.toString(Arrays.copyOf(batch.probabilities(), classifier.numClasses())));
        }
        // README: end
        try (ImageClassifier c = ImageClassifier.open(modelOnnx, test.shape(), InferenceOptions.DEFAULTS,
                ExecutionProvider.CPU)) {
            assertEquals(OutputKind.PROBABILITIES, c.outputKind());
            ImageClassifier.Batch batch = c.predict(test.images(), 0, 4);
            assertEquals(40, batch.probabilities().length);
            for (int n = 0; n < 4; n++) {
                double sum = 0;
                for (int k = 0; k < 10; k++) {
                    sum += batch.probabilities()[n * 10 + k];
                }
                assertEquals(1.0, sum, 1e-5, "row " + n);
            }
        }
    }
}
