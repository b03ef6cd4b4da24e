package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.onnx.Attribute;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What matrix scaling and Dirichlet calibration share: a full K x K affine map
 * {@code z'_j = sum_l W_jl x_l + b_j} of features {@code x} of the logits, then softmax. The two differ only
 * in {@link Features}: the logits themselves, or their log-softmax. Fit, apply, parameters and export
 * live here once; the records keep their own types, javadoc and method.
 */
final class FullAffineMap {
    /** The features the map reads, in Java (double precision) and as ONNX nodes. */
    enum Features {
        /** {@code x = z}: matrix scaling. */
        LOGITS {
            @Override
            double[] of(double[] z, int n, int k) {
                return z;
            }

            @Override
            String write(OnnxGraphBuilder graph, String logits, String result) {
                return logits;
            }
        },
        /** {@code x = ln softmax(z)}: Dirichlet calibration. */
        LOG_PROBABILITIES {
            @Override
            double[] of(double[] z, int n, int k) {
                return Rows.logSoftmax(z, n, k);
            }

            @Override
            String write(OnnxGraphBuilder graph, String logits, String result) {
                String name = result + "_log_probabilities";
                graph.node("LogSoftmax", List.of(logits), name, Attribute.ofInt("axis", 1));
                return name;
            }
        };

        /** The features of {@code n} rows of logits {@code z} (widened), row-major {@code [n, K]}. */
        abstract double[] of(double[] z, int n, int k);

        /** Defines the features of {@code logits} in {@code graph} and returns the value's name. */
        abstract String write(OnnxGraphBuilder graph, String logits, String result);
    }

    /** Fitted weights (row-major K x K), offsets (K) and the record of the fit. */
    record Fit(double[] weights, double[] bias, CalibrationFit fit) {
    }

    private FullAffineMap() {
    }

    static void checkShapes(int k, double[] weights, double[] bias) {
        if (k < 2 || weights == null || bias == null || weights.length != k * k || bias.length != k) {
            throw SmoothcalException.defect("a K x K matrix calibrator needs K >= 2, K*K weights and K offsets");
        }
    }

    /** Fits W and b on {@code data}'s features, ODIR-penalised with {@code settings}' λ and μ. */
    static Fit fit(Features features, CalibrationData data, CalibrationSettings settings) {
        int k = data.numClasses();
        int n = data.size();
        double[] z = Rows.widen(data.logits(), n * k);
        LinearMaps.Fitted f = LinearMaps.fit(features.of(z, n, k), data.labels(), k, LinearMaps.Form.FULL,
                settings.offDiagonalPenalty(), settings.interceptPenalty(), settings.maxIterations());
        double after = Rows.meanNllOfProbabilities(
                probabilities(features, k, f.weights(), f.bias(), data.logits(), n), data.labels(), n, k);
        CalibrationFit fit = new CalibrationFit(n, Rows.meanNllOfLogits(z, data.labels(), n, k), after,
                f.result().value(), f.result().iterations(), LinearMaps.convergence(f.result()));
        return new Fit(f.weights(), f.bias(), fit);
    }

    static double[] probabilities(Features features, int k, double[] weights, double[] bias, float[] logits,
            int n) {
        double[] x = features.of(Rows.widen(logits, n * k), n, k);
        return Rows.softmax(LinearMaps.logits(weights, bias, x, n, k, LinearMaps.Form.FULL), n, k);
    }

    static SortedMap<String, Object> parameters(double[] weights, double[] bias) {
        return new TreeMap<>(Map.of("weights", LinearMaps.list(weights), "bias", LinearMaps.list(bias)));
    }

    static OutputKind writeOnnx(Features features, OnnxGraphBuilder graph, String logits, String result, int k,
            double[] weights, double[] bias) {
        writeGemm(graph, features.write(graph, logits, result), result, k, weights, bias);
        return OutputKind.LOGITS;
    }

    /** {@code result = Gemm(input, W, b, transB = 1)}, W and b as float initializers. */
    static void writeGemm(OnnxGraphBuilder graph, String input, String result, int k, double[] weights,
            double[] bias) {
        graph.initializer(result + "_weights", LinearMaps.floats(weights), k, k);
        graph.initializer(result + "_bias", LinearMaps.floats(bias), k);
        graph.node("Gemm", List.of(input, result + "_weights", result + "_bias"), result,
                Attribute.ofInt("transB", 1));
    }
}
