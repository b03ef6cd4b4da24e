package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.onnx.Attribute;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Matrix scaling (Guo et al. 2017) with off-diagonal and intercept regularisation, ODIR (Kull et al.
 * 2019): {@code p = softmax(W z + b)}, W a full K x K matrix.
 *
 * <p>Fit: {@code (W, b)} minimise
 * {@code mean_i(logsumexp(W z_i + b) - (W z_i + b)_y) + λ/(K(K-1)) sum_{j != l} W_jl^2 + μ/K sum_j b_j^2}
 * (λ = {@link CalibrationSettings#offDiagonalPenalty()}, μ = {@link CalibrationSettings#interceptPenalty()},
 * both {@value CalibrationSettings#DEFAULT_OFF_DIAGONAL_PENALTY} by default; the diagonal is not
 * penalised, so temperature and vector scaling are inside the model class at no cost) from {@code W = I,
 * b = 0} by Polak-Ribière conjugate gradient with the analytic gradient
 * ({@code dNLL/dW_jl = mean_i (p_ij - [y_i = j]) z_il}), double precision; the objective is convex.
 * K² + K parameters: on few samples per class raise λ. The arg-max can change. Export:
 * {@code Gemm(z, W, b, transB = 1)}.
 *
 * @param numClasses K, at least 2
 * @param weights W, row-major K x K: {@code z'_j = sum_l W_jl z_l + b_j}
 * @param bias b, K values
 */
public record MatrixScaling(int numClasses, double[] weights, double[] bias) implements Calibrator {
    /**
     * Validates the shapes and copies the arrays.
     *
     * @param numClasses K, at least 2
     * @param weights W, row-major K x K: {@code z'_j = sum_l W_jl z_l + b_j}
     * @param bias b, K values
     */
    public MatrixScaling {
        checkShapes(numClasses, weights, bias);
        weights = weights.clone();
        bias = bias.clone();
    }

    static void checkShapes(int k, double[] weights, double[] bias) {
        if (k < 2 || weights == null || bias == null || weights.length != k * k || bias.length != k) {
            throw SmoothcalException.defect("a K x K matrix calibrator needs K >= 2, K*K weights and K offsets");
        }
    }

    static FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
        int k = data.numClasses();
        int n = data.size();
        double[] x = Rows.widen(data.logits(), n * k);
        LinearMaps.Fitted f = LinearMaps.fit(x, data.labels(), k, LinearMaps.Form.FULL,
                settings.offDiagonalPenalty(), settings.interceptPenalty(), settings.maxIterations());
        MatrixScaling m = new MatrixScaling(k, f.weights(), f.bias());
        double after = Rows.meanNllOfProbabilities(m.probabilities(data.logits(), n), data.labels(), n, k);
        return new FittedCalibrator(m, new CalibrationFit(n, Rows.meanNllOfLogits(x, data.labels(), n, k), after,
                f.result().value(), f.result().iterations(), LinearMaps.convergence(f.result())));
    }

    /**
     * A copy of the fitted parameters.
     *
     * @return W, row-major K x K
     */
    @Override
    public double[] weights() {
        return weights.clone();
    }

    /**
     * A copy of the fitted parameters.
     *
     * @return b, K values
     */
    @Override
    public double[] bias() {
        return bias.clone();
    }

    @Override
    public CalibrationMethod method() {
        return CalibrationMethod.MATRIX;
    }

    @Override
    public double[] probabilities(float[] logits, int n) {
        return Rows.softmax(LinearMaps.logits(weights, bias, Rows.widen(logits, n * numClasses), n, numClasses,
                LinearMaps.Form.FULL), n, numClasses);
    }

    @Override
    public SortedMap<String, Object> parameters() {
        return new TreeMap<>(java.util.Map.of("weights", LinearMaps.list(weights), "bias", LinearMaps.list(bias)));
    }

    @Override
    public OutputKind writeOnnx(OnnxGraphBuilder graph, String logits, String result) {
        writeGemm(graph, logits, result, numClasses, weights, bias);
        return OutputKind.LOGITS;
    }

    static void writeGemm(OnnxGraphBuilder graph, String input, String result, int k, double[] weights,
            double[] bias) {
        graph.initializer(result + "_weights", LinearMaps.floats(weights), k, k);
        graph.initializer(result + "_bias", LinearMaps.floats(bias), k);
        graph.node("Gemm", List.of(input, result + "_weights", result + "_bias"), result,
                Attribute.ofInt("transB", 1));
    }
}
