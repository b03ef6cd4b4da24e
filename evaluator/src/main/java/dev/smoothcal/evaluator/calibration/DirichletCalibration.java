package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import java.util.SortedMap;

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
 * @serial exclude
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
        FullAffineMap.checkShapes(numClasses, weights, bias);
        weights = weights.clone();
        bias = bias.clone();
    }

    static FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
        FullAffineMap.Fit f = FullAffineMap.fit(FullAffineMap.Features.LOG_PROBABILITIES, data, settings);
        return new FittedCalibrator(new DirichletCalibration(data.numClasses(), f.weights(), f.bias()), f.fit());
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
        return FullAffineMap.probabilities(FullAffineMap.Features.LOG_PROBABILITIES, numClasses, weights, bias,
                logits, n);
    }

    @Override
    public SortedMap<String, Object> parameters() {
        return FullAffineMap.parameters(weights, bias);
    }

    @Override
    public OutputKind writeOnnx(OnnxGraphBuilder graph, String logits, String result) {
        return FullAffineMap.writeOnnx(FullAffineMap.Features.LOG_PROBABILITIES, graph, logits, result, numClasses,
                weights, bias);
    }
}
