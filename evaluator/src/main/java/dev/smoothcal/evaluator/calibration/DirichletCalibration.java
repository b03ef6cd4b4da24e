package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.onnx.Attribute;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Dirichlet calibration (Kull et al. 2019): matrix scaling of the log-probabilities,
 * {@code p = softmax(W ln q + b)} with {@code q = softmax(z)}, the uncalibrated probabilities. It is the
 * exact family of a Dirichlet-distributed likelihood per class, and fits models whose probabilities are
 * all that is known.
 *
 * <p>Fit: as {@link MatrixScaling} with {@code ln q_i} (log-softmax in double precision) in place of
 * {@code z_i}, ODIR-penalised with λ and μ; from {@code W = I, b = 0}, which is the uncalibrated model. For
 * a logits model {@code ln q = z - logsumexp(z)} differs from z by a per-row constant, which softmax
 * ignores but the off-diagonal weights do not, so the fitted maps differ from matrix scaling's. Export:
 * {@code Gemm(LogSoftmax(z, axis 1), W, b, transB = 1)}.
 *
 * @param numClasses K, at least 2
 * @param weights W, row-major K x K
 * @param bias b, K values
 */
public record DirichletCalibration(int numClasses, double[] weights, double[] bias) implements Calibrator {
    /**
     * Validates the shapes and copies the arrays.
     *
     * @param numClasses K, at least 2
     * @param weights W, row-major K x K
     * @param bias b, K values
     */
    public DirichletCalibration {
        MatrixScaling.checkShapes(numClasses, weights, bias);
        weights = weights.clone();
        bias = bias.clone();
    }

    static FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
        int k = data.numClasses();
        int n = data.size();
        double[] z = Rows.widen(data.logits(), n * k);
        double[] x = Rows.logSoftmax(z, n, k);
        LinearMaps.Fitted f = LinearMaps.fit(x, data.labels(), k, LinearMaps.Form.FULL,
                settings.offDiagonalPenalty(), settings.interceptPenalty(), settings.maxIterations());
        DirichletCalibration d = new DirichletCalibration(k, f.weights(), f.bias());
        double after = Rows.meanNllOfProbabilities(d.probabilities(data.logits(), n), data.labels(), n, k);
        return new FittedCalibrator(d, new CalibrationFit(n, Rows.meanNllOfLogits(z, data.labels(), n, k), after,
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
        return CalibrationMethod.DIRICHLET;
    }

    @Override
    public double[] probabilities(float[] logits, int n) {
        double[] x = Rows.logSoftmax(Rows.widen(logits, n * numClasses), n, numClasses);
        return Rows.softmax(LinearMaps.logits(weights, bias, x, n, numClasses, LinearMaps.Form.FULL), n,
                numClasses);
    }

    @Override
    public SortedMap<String, Object> parameters() {
        return new TreeMap<>(java.util.Map.of("weights", LinearMaps.list(weights), "bias", LinearMaps.list(bias)));
    }

    @Override
    public OutputKind writeOnnx(OnnxGraphBuilder graph, String logits, String result) {
        graph.node("LogSoftmax", List.of(logits), result + "_log_probabilities", Attribute.ofInt("axis", 1));
        MatrixScaling.writeGemm(graph, result + "_log_probabilities", result, numClasses, weights, bias);
        return OutputKind.LOGITS;
    }
}
