package dev.smoothcal.evaluator.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.evaluator.inference.ClassifierSession;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.evaluator.testing.LinearClassifier;
import dev.smoothcal.onnx.OnnxModels;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every calibrator written into an ONNX graph and run in ONNX Runtime, against the Java calibrator applied
 * to the original model's outputs (double precision): logits and probabilities models, probabilities
 * within {@value #TOLERANCE} (float32 graph against double precision). Platt scaling runs on a two-class
 * model, every other calibrator on four classes.
 */
class CalibratorExportTest {
    private static final double TOLERANCE = 2e-5;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(CalibrationMethod.class)
    void exportedLogitsModelMatchesTheJavaCalibrator(CalibrationMethod method) {
        int k = method == CalibrationMethod.PLATT ? 2 : 4;
        LinearClassifier linear = new LinearClassifier(6, k, 11, 1.5);
        Path original = linear.writeLogitsModel(tmp.resolve("m.onnx"), Map.of("smoothcal.class_names", "[]"));
        Dataset fit = linear.sample("synthetic/fit", 2000, 2.0, 12, names(k));
        float[] fitLogits = run(original, fit.images(), fit.size(), 6, "logits");
        FittedCalibrator f = method.fit(new CalibrationData(fitLogits, fit.labels(), k), CalibrationSettings.DEFAULTS);
        Path calibrated = tmp.resolve("m-" + method.id() + ".onnx");
        CalibratedModel.export(original, calibrated, "logits", OutputKind.LOGITS, f, "synthetic/fit");

        int n = 300;
        float[] x = gaussian(n * 6, 13);
        float[] z = run(original, x, n, 6, "logits");
        double[] expected = f.calibrator().probabilities(z, n);
        float[] probabilities = run(calibrated, x, n, 6, "probabilities");
        float[] logits = run(calibrated, x, n, 6, "logits");
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double[] row = new double[k];
            for (int j = 0; j < k; j++) {
                row[j] = logits[i * k + j];
            }
            double[] fromLogits = LinearClassifier.softmax(row, 1.0);
            for (int j = 0; j < k; j++) {
                worst = Math.max(worst, Math.abs(expected[i * k + j] - probabilities[i * k + j]));
                worst = Math.max(worst, Math.abs(expected[i * k + j] - fromLogits[j]));
            }
        }
        assertTrue(worst <= TOLERANCE, method.id() + ": max |exported - java| = " + worst);

        Map<String, String> meta = OnnxModels.metadata(OnnxModels.read(calibrated));
        assertEquals(method.id(), meta.get(CalibratedModel.CALIBRATOR_KEY));
        assertNotNull(meta.get(CalibratedModel.PARAMETERS_KEY));
        assertTrue(meta.get(CalibratedModel.FIT_KEY).contains("\"fitted_on\":\"synthetic/fit\""),
                meta.get(CalibratedModel.FIT_KEY));
        assertEquals("[]", meta.get("smoothcal.class_names"), "metadata kept");
        assertEquals(method == CalibrationMethod.TEMPERATURE, meta.containsKey(CalibratedModel.TEMPERATURE_KEY));
    }

    @ParameterizedTest
    @EnumSource(CalibrationMethod.class)
    void exportedProbabilitiesModelMatchesTheJavaCalibrator(CalibrationMethod method) {
        int k = method == CalibrationMethod.PLATT ? 2 : 4;
        LinearClassifier linear = new LinearClassifier(6, k, 21, 1.5);
        Path original = linear.writeProbabilitiesModel(tmp.resolve("p.onnx"));
        Dataset fit = linear.sample("synthetic/fit", 2000, 0.5, 22, names(k));
        float[] fitLogits = TemperatureScaling.logits(run(original, fit.images(), fit.size(), 6, "scores"),
                OutputKind.PROBABILITIES);
        FittedCalibrator f = method.fit(new CalibrationData(fitLogits, fit.labels(), k), CalibrationSettings.DEFAULTS);
        Path calibrated = tmp.resolve("p-" + method.id() + ".onnx");
        CalibratedModel.export(original, calibrated, "scores", OutputKind.PROBABILITIES, f, "synthetic/fit");

        int n = 300;
        float[] x = gaussian(n * 6, 23);
        float[] z = TemperatureScaling.logits(run(original, x, n, 6, "scores"), OutputKind.PROBABILITIES);
        double[] expected = f.calibrator().probabilities(z, n);
        float[] p = run(calibrated, x, n, 6, "scores");
        double worst = 0;
        for (int i = 0; i < n * k; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - p[i]));
        }
        assertTrue(worst <= TOLERANCE, method.id() + ": max |exported - java| = " + worst);
        assertFalse(OnnxModels.metadata(OnnxModels.read(calibrated)).isEmpty());
    }

    private static List<String> names(int k) {
        return List.of("a", "b", "c", "d").subList(0, k);
    }

    private static float[] run(Path model, float[] x, int n, int width, String output) {
        try (ClassifierSession session = ClassifierSession.open(model, ExecutionProvider.CPU)) {
            return session.run(FloatBuffer.wrap(x, 0, n * width), new long[] {n, width}, List.of(output)).get(output);
        }
    }

    private static float[] gaussian(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * 1.5);
        }
        return x;
    }
}
