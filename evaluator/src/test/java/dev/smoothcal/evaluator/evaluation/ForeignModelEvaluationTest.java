package dev.smoothcal.evaluator.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.onnx.Attribute;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model smoothcal did not train, laid out as PyTorch exports do (NCHW input, softmax output with
 * another name), evaluated through ONNX Runtime; every headline metric is compared with a plain
 * double-precision recomputation from the same weights.
 */
class ForeignModelEvaluationTest {
    private static final ImageShape SHAPE = new ImageShape(4, 4, 3);
    private static final int K = 5;
    private static final int N = 300;

    @TempDir
    Path tmp;

    @Test
    void nchwProbabilityModelGivesTheRecomputedMetrics() {
        SplittableRandom rng = new SplittableRandom(5);
        int in = SHAPE.size();
        float[] w = new float[in * K];
        float[] b = new float[K];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextGaussian() * 0.002);
        }
        for (int k = 0; k < K; k++) {
            b[k] = (float) rng.nextGaussian();
        }
        Path model = tmp.resolve("foreign.onnx");
        OnnxModels.write(new OnnxGraphBuilder("foreign")
                .input("pixel_values", Dim.BATCH, Dim.of(3), Dim.of(4), Dim.of(4))
                .output("scores", Dim.BATCH, Dim.of(K))
                .initializer("w", w, in, K)
                .initializer("b", b, K)
                .node("Flatten", List.of("pixel_values"), "flat", Attribute.ofInt("axis", 1))
                .node("Gemm", List.of("flat", "w", "b"), "z")
                .node("Softmax", List.of("z"), "scores", Attribute.ofInt("axis", 1))
                .build(ModelMetadata.NONE), model);

        float[] images = new float[N * in];
        int[] labels = new int[N];
        for (int i = 0; i < images.length; i++) {
            images[i] = rng.nextInt(256);
        }
        for (int i = 0; i < N; i++) {
            labels[i] = rng.nextInt(K);
        }
        Dataset data = new Dataset("synthetic", images, labels, SHAPE, List.of("a", "b", "c", "d", "e"));

        EvaluationReport report = Evaluation.run(EvaluationRequest.of(model, data)
                .withInference(InferenceOptions.DEFAULTS.withBatchSize(64)).withProvider(ExecutionProvider.CPU)
                .withBootstrapReplicates(0));

        assertEquals("nchw", report.model().layout(), "as --layout spells it");
        assertEquals("probabilities", report.model().outputKind());
        // Independent recomputation: NHWC pixels read in NCHW order, z = x W + b, softmax, metrics by definition.
        double correct = 0;
        double nll = 0;
        double brier = 0;
        double[] conf = new double[15];
        double[] acc = new double[15];
        int[] count = new int[15];
        for (int n = 0; n < N; n++) {
            double[] z = new double[K];
            for (int k = 0; k < K; k++) {
                double s = b[k];
                int flat = 0;
                for (int c = 0; c < 3; c++) {
                    for (int h = 0; h < 4; h++) {
                        for (int x = 0; x < 4; x++) {
                            s += images[n * in + (h * 4 + x) * 3 + c] * (double) w[flat++ * K + k];
                        }
                    }
                }
                z[k] = s;
            }
            double[] p = dev.smoothcal.core.smoothing.LabelSmoothing.softmax(z);
            int pred = 0;
            for (int k = 1; k < K; k++) {
                pred = p[k] > p[pred] ? k : pred;
            }
            boolean ok = pred == labels[n];
            correct += ok ? 1 : 0;
            nll -= Math.log(p[labels[n]]);
            for (int k = 0; k < K; k++) {
                double y = k == labels[n] ? 1 : 0;
                brier += (p[k] - y) * (p[k] - y);
            }
            int bin = Math.max(0, (int) Math.ceil(p[pred] * 15) - 1);
            conf[bin] += p[pred];
            acc[bin] += ok ? 1 : 0;
            count[bin]++;
        }
        double ece = 0;
        for (int i = 0; i < 15; i++) {
            ece += Math.abs(conf[i] - acc[i]) / N;
        }
        // float32 inference vs double reference: probabilities agree to ~1e-6.
        assertEquals(correct / N, report.accuracy(), 1e-12);
        assertEquals(nll / N, report.nll(), 1e-5);
        assertEquals(brier / N, report.brier(), 1e-5);
        assertEquals(ece, report.ece(), 1e-5);
        assertTrue(report.accuracy() > 0.1 && report.accuracy() < 0.5, "random labels: near-chance accuracy");
    }

    @Test
    void labelsBeyondTheModelsClassesAreRejected() {
        Path model = tmp.resolve("two.onnx");
        OnnxModels.write(new OnnxGraphBuilder("two")
                .input("x", Dim.BATCH, Dim.of(4), Dim.of(4), Dim.of(3))
                .output("p", Dim.BATCH, Dim.of(2))
                .initializer("w", new float[48 * 2], 48, 2)
                .node("Flatten", List.of("x"), "f", Attribute.ofInt("axis", 1))
                .node("MatMul", List.of("f", "w"), "z")
                .node("Softmax", List.of("z"), "p", Attribute.ofInt("axis", 1))
                .build(ModelMetadata.NONE), model);
        Dataset data = new Dataset("three-classes", new float[3 * 48], new int[] {0, 1, 2}, SHAPE, List.of("a", "b", "c"));
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> Evaluation.run(EvaluationRequest.of(model, data)
                .withProvider(ExecutionProvider.CPU).withBootstrapReplicates(0)));
        assertTrue(e.getMessage().contains("labels up to 2 but the model outputs 2 classes"), e.getMessage());
    }

    @Test
    void aModelThatCannotTakeTheImagesIsRejected() {
        Path model = tmp.resolve("mnist-shaped.onnx");
        OnnxModels.write(new OnnxGraphBuilder("m")
                .input("x", Dim.BATCH, Dim.of(28), Dim.of(28), Dim.of(1))
                .output("y", Dim.BATCH, Dim.of(28), Dim.of(28), Dim.of(1))
                .node("Identity", List.of("x"), "y")
                .build(ModelMetadata.NONE), model);
        Dataset data = new Dataset("small", new float[48], new int[] {0}, SHAPE, List.of("a", "b"));
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> Evaluation.run(EvaluationRequest.of(model, data)
                .withProvider(ExecutionProvider.CPU).withBootstrapReplicates(0)));
        assertTrue(e.getMessage().contains("has shape [-1, 28, 28, 1]"), e.getMessage());
    }
}
