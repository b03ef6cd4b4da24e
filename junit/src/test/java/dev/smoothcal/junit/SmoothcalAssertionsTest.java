package dev.smoothcal.junit;

import static dev.smoothcal.junit.SmoothcalAssertions.assertThatModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.onnx.Attribute;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model assertions on a real classifier of the built-in digits: a nearest-class-mean linear
 * discriminant {@code z_k = s (x . m_k - |m_k|^2 / 2)} with {@code m_k} the training mean of class k, written
 * as an ONNX Gemm. Its accuracy is recomputed here in double precision as the independent reference.
 */
class SmoothcalAssertionsTest {
    private static final int K = 10;
    private static final int D = 64;
    private static final double SCALE = 0.02;

    @TempDir
    static Path tmp;

    private static Path model;
    private static Dataset test;
    private static float[] w;
    private static float[] b;

    @BeforeAll
    static void writeModel() {
        Dataset train = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        test = DatasetSource.builtInDigits(DatasetSplit.TEST);
        double[][] mean = new double[K][D];
        int[] counts = new int[K];
        for (int i = 0; i < train.size(); i++) {
            int y = train.labels()[i];
            counts[y]++;
            for (int j = 0; j < D; j++) {
                mean[y][j] += train.images()[i * D + j];
            }
        }
        w = new float[D * K];
        b = new float[K];
        for (int k = 0; k < K; k++) {
            double norm = 0;
            for (int j = 0; j < D; j++) {
                mean[k][j] /= counts[k];
                norm += mean[k][j] * mean[k][j];
                w[j * K + k] = (float) (SCALE * mean[k][j]);
            }
            b[k] = (float) (-SCALE * norm / 2);
        }
        model = tmp.resolve("ncm.onnx");
        OnnxModels.write(new OnnxGraphBuilder("ncm")
                .input("x", Dim.BATCH, Dim.of(D))
                .output("logits", Dim.BATCH, Dim.of(K))
                .output("probabilities", Dim.BATCH, Dim.of(K))
                .initializer("w", w, D, K)
                .initializer("b", b, K)
                .node("Gemm", List.of("x", "w", "b"), "logits")
                .node("Softmax", List.of("logits"), "probabilities", Attribute.ofInt("axis", -1))
                .build(ModelMetadata.NONE), model);
    }

    @Test
    void boundsAreInclusiveAndTheAccuracyIsTheRecomputedOne() {
        EvaluatedModelAssert evaluated = assertThatModel(model).on(test);
        EvaluationReport report = evaluated.report();
        assertEquals(referenceAccuracy(), report.accuracy(), 1e-12);
        assertThat(report.accuracy()).isGreaterThan(0.85);
        evaluated.hasAccuracyAtLeast(report.accuracy())
                .hasExpectedCalibrationErrorAtMost(report.ece())
                .hasNegativeLogLikelihoodAtMost(report.nll())
                .hasBrierScoreAtMost(report.brier())
                .hasMaximumCalibrationErrorAtMost(report.mce())
                .hasClasswiseCalibrationErrorAtMost(report.classwiseEce())
                .meetsRules("accuracy>=" + report.accuracy(), "ece<=1");
    }

    @Test
    void aMissedBoundFailsWithTheMetricValueBoundModelDataAndWorstBins() {
        EvaluatedModelAssert evaluated = assertThatModel(model).using(r -> r.withBootstrapReplicates(0)).on(test);
        double ece = evaluated.report().ece();
        assertThatThrownBy(() -> evaluated.hasAccuracyAtLeast(0.999))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected model " + model + " on digits/test (1797 images)")
                .hasMessageContaining(String.format(Locale.ROOT, "to have accuracy at least 0.9990, but it was %.4f",
                        evaluated.report().accuracy()))
                .hasMessageContaining("worst reliability bins");
        assertThatThrownBy(() -> evaluated.hasExpectedCalibrationErrorAtMost(0.001))
                .hasMessageContaining(String.format(Locale.ROOT, "to have ECE (15 bins) at most 0.0010, but it was %.4f",
                        ece))
                .hasMessageMatching("(?s).*\\(0\\.\\d{3}, [01]\\.\\d{3}]\\s+\\d+ images  confidence .*");
        assertThatThrownBy(() -> evaluated.meetsRules("ece<=0.001", "accuracy>=0.5", "nll<0"))
                .hasMessageContaining("to meet every rule, but 2 of 3 failed")
                .hasMessageContaining(String.format(Locale.ROOT, "ece <= 0.001: found %.4f", ece))
                .hasMessageContaining("nll < 0: found");
    }

    private static double referenceAccuracy() {
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            int best = 0;
            double bestZ = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < K; k++) {
                double z = b[k];
                for (int j = 0; j < D; j++) {
                    z += test.images()[i * D + j] * (double) w[j * K + k];
                }
                if (z > bestZ) {
                    bestZ = z;
                    best = k;
                }
            }
            correct += best == test.labels()[i] ? 1 : 0;
        }
        return correct / (double) test.size();
    }
}
