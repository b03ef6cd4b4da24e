package dev.smoothcal.evaluator.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.inference.ClassifierSession;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.testing.LinearClassifier;
import dev.smoothcal.onnx.OnnxModels;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calibrated export run in ONNX Runtime against the original model's outputs divided by T
 * (reference: the original file in ORT, then softmax(z / T) in double precision), and the whole path
 * evaluate --calibrate-on -> export -> evaluate, whose NLL must equal the fitted NLL.
 */
class CalibratedModelTest {
    private static final List<String> NAMES = List.of("a", "b", "c", "d");

    @TempDir
    Path tmp;

    @Test
    void exportedLogitsAreTheOriginalDividedByT() {
        LinearClassifier linear = new LinearClassifier(6, 4, 1, 1.0);
        Path original = linear.writeLogitsModel(tmp.resolve("m.onnx"), Map.of("smoothcal.class_names", "[\"a\"]"));
        Path calibrated = tmp.resolve("m-calibrated.onnx");
        double t = 2.5;
        CalibratedModel.export(original, calibrated, "logits", OutputKind.LOGITS, t);

        float[] x = gaussian(32 * 6, 4);
        float[] z = run(original, x, 32, 6, "logits");
        float[] zt = run(calibrated, x, 32, 6, "logits");
        float[] pt = run(calibrated, x, 32, 6, "probabilities");
        for (int i = 0; i < 32; i++) {
            double[] row = new double[4];
            for (int k = 0; k < 4; k++) {
                row[k] = z[i * 4 + k];
                assertEquals(z[i * 4 + k] / t, zt[i * 4 + k], 1e-5, "logit " + i + "," + k);
            }
            double[] expected = LinearClassifier.softmax(row, t);
            for (int k = 0; k < 4; k++) {
                assertEquals(expected[k], pt[i * 4 + k], 1e-6, "re-derived probability " + i + "," + k);
            }
        }
        Map<String, String> meta = OnnxModels.metadata(OnnxModels.read(calibrated));
        assertEquals("[\"a\"]", meta.get("smoothcal.class_names"), "metadata kept");
        assertEquals(t, Double.parseDouble(meta.get(CalibratedModel.TEMPERATURE_KEY)), 1e-8);

        // Calibrating the calibrated model again records the total temperature.
        Path twice = tmp.resolve("m-twice.onnx");
        CalibratedModel.export(calibrated, twice, "logits", OutputKind.LOGITS, 2.0);
        assertEquals(5.0, Double.parseDouble(OnnxModels.metadata(OnnxModels.read(twice))
                .get(CalibratedModel.TEMPERATURE_KEY)), 1e-8);
        float[] z2 = run(twice, x, 32, 6, "logits");
        for (int i = 0; i < z.length; i++) {
            assertEquals(z[i] / 5.0, z2[i], 1e-5);
        }
    }

    @Test
    void exportedProbabilitiesAreTheTemperedDistribution() {
        LinearClassifier linear = new LinearClassifier(6, 4, 2, 1.0);
        Path original = linear.writeProbabilitiesModel(tmp.resolve("p.onnx"));
        Path calibrated = tmp.resolve("p-calibrated.onnx");
        CalibratedModel.export(original, calibrated, "scores", OutputKind.PROBABILITIES, 0.5);
        float[] x = gaussian(16 * 6, 5);
        float[] p = run(original, x, 16, 6, "scores");
        float[] pt = run(calibrated, x, 16, 6, "scores");
        for (int i = 0; i < 16; i++) {
            // softmax(ln p / T) = p^(1/T) / sum p^(1/T)
            double sum = 0;
            for (int k = 0; k < 4; k++) {
                sum += Math.pow(p[i * 4 + k], 2.0);
            }
            for (int k = 0; k < 4; k++) {
                assertEquals(Math.pow(p[i * 4 + k], 2.0) / sum, pt[i * 4 + k], 1e-5, "row " + i + ", class " + k);
            }
        }
    }

    @Test
    void fitExportAndReEvaluateAgree() {
        // Labels drawn from softmax(z / 3): the model is three times too sharp.
        LinearClassifier linear = new LinearClassifier(6, 4, 3, 1.2);
        Path model = linear.writeLogitsModel(tmp.resolve("over.onnx"), Map.of());
        Dataset fitSplit = linear.sample("synthetic/fit", 3000, 3.0, 21, NAMES);
        Dataset testSplit = linear.sample("synthetic/test", 2000, 3.0, 22, NAMES);
        InferenceOptions options = InferenceOptions.DEFAULTS.withBatchSize(128);
        EvaluationReport report = Evaluation.run(EvaluationRequest.of(model, testSplit).withInference(options)
                .withProvider(ExecutionProvider.CPU).withBootstrapReplicates(0).withCalibration(fitSplit));
        EvaluationReport.Temperature t = report.temperature();
        assertNotNull(t);
        assertEquals(3.0, t.t(), 0.3, "labels drawn at temperature 3");
        assertEquals("synthetic/fit", t.fittedOn());
        assertNull(t.warning(), "fit split differs from the evaluated split");
        assertEquals(report.nll(), t.nllBefore(), 0.0, "before = the report's own NLL");
        assertEquals(report.ece(), t.eceBefore(), 0.0);
        assertTrue(t.nllAfter() < t.nllBefore() && t.eceAfter() < t.eceBefore(), "calibration helps on held-out data");

        Path calibrated = tmp.resolve("over-calibrated.onnx");
        CalibratedModel.export(model, calibrated, report.model().output(), OutputKind.LOGITS, t.t());
        EvaluationReport onFit = Evaluation.run(EvaluationRequest.of(calibrated, fitSplit).withInference(options)
                .withProvider(ExecutionProvider.CPU).withBootstrapReplicates(0));
        // float32 graph + MetricsAccumulator vs the double-precision fit objective.
        assertEquals(t.fitNllAfter(), onFit.nll(), 1e-5);
        EvaluationReport onTest = Evaluation.run(EvaluationRequest.of(calibrated, testSplit).withInference(options)
                .withProvider(ExecutionProvider.CPU).withBootstrapReplicates(0));
        assertEquals(t.nllAfter(), onTest.nll(), 1e-5);
        assertEquals(t.eceAfter(), onTest.ece(), 1e-5);
        assertEquals(report.accuracy(), onTest.accuracy(), 0.0, "a temperature never changes the arg-max");

        EvaluationReport same = Evaluation.run(EvaluationRequest.of(model, fitSplit).withInference(options)
                .withProvider(ExecutionProvider.CPU).withBootstrapReplicates(0).withCalibration(fitSplit));
        assertTrue(same.temperature().warning().contains("optimistic"), same.temperature().warning());
    }

    @Test
    void anOutputNoNodeProducesIsRefused() {
        LinearClassifier linear = new LinearClassifier(6, 4, 1, 1.0);
        Path model = linear.writeLogitsModel(tmp.resolve("m.onnx"), Map.of());
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> CalibratedModel.withTemperature(
                OnnxModels.read(model), "missing", OutputKind.LOGITS, 2.0));
        assertTrue(e.getMessage().contains("expected output 'missing' to be one of [logits, probabilities]"),
                e.getMessage());
        SmoothcalException t = assertThrows(SmoothcalException.class, () -> CalibratedModel.withTemperature(
                OnnxModels.read(model), "logits", OutputKind.LOGITS, 0.0));
        assertTrue(t.getMessage().contains("found 0.0"), t.getMessage());
    }

    private static float[] run(Path model, float[] x, int n, int width, String output) {
        try (ClassifierSession session = ClassifierSession.open(model, ExecutionProvider.CPU)) {
            return session.run(FloatBuffer.wrap(x), new long[] {n, width}, List.of(output)).get(output);
        }
    }

    private static float[] gaussian(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    /** External data is inlined only from inside the model's folder, and only as many bytes as the file has. */
    @Test
    void externalDataIsInlinedFromBesideTheModelOnly(@TempDir Path dir) throws java.io.IOException {
        java.nio.file.Files.write(dir.resolve("w.bin"), new byte[] {0, 0, (byte) 0x80, 0x3f}); // 1.0f, little-endian
        java.util.function.Function<String, dev.smoothcal.onnx.proto.OnnxProto.ModelProto> model = location ->
                dev.smoothcal.onnx.proto.OnnxProto.ModelProto.newBuilder().setGraph(
                        dev.smoothcal.onnx.proto.OnnxProto.GraphProto.newBuilder().addInitializer(
                                dev.smoothcal.onnx.proto.OnnxProto.TensorProto.newBuilder().setName("w").addDims(1)
                                        .setDataType(1)
                                        .setDataLocation(dev.smoothcal.onnx.proto.OnnxProto.TensorProto.DataLocation.EXTERNAL)
                                        .addExternalData(dev.smoothcal.onnx.proto.OnnxProto.StringStringEntryProto
                                                .newBuilder().setKey("location").setValue(location)))).build();
        var inlined = CalibratedModel.inlineExternalData(model.apply("w.bin"), dir.resolve("m.onnx"));
        var w = inlined.getGraph().getInitializer(0);
        assertEquals(0, w.getExternalDataCount());
        assertEquals(4, w.getRawData().size());
        assertEquals(1.0f, w.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat());
        SmoothcalException outside = assertThrows(SmoothcalException.class,
                () -> CalibratedModel.inlineExternalData(model.apply("../../etc/passwd"), dir.resolve("m.onnx")));
        assertTrue(outside.getMessage().contains("lies outside the model's folder"), outside.getMessage());
        SmoothcalException missing = assertThrows(SmoothcalException.class,
                () -> CalibratedModel.inlineExternalData(model.apply("gone.bin"), dir.resolve("m.onnx")));
        assertTrue(missing.getMessage().contains("cannot read its external data"), missing.getMessage());
    }
}
