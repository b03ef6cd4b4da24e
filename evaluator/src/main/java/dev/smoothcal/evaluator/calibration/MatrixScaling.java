package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import java.util.SortedMap;

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
 * @serial exclude
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
        FullAffineMap.checkShapes(numClasses, weights, bias);
        weights = weights.clone();
        bias = bias.clone();
    }

    static FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
        FullAffineMap.Fit f = FullAffineMap.fit(FullAffineMap.Features.LOGITS, data, settings);
        return new FittedCalibrator(new MatrixScaling(data.numClasses(), f.weights(), f.bias()), f.fit());
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
        return FullAffineMap.probabilities(FullAffineMap.Features.LOGITS, numClasses, weights, bias, logits, n);
    }

    @Override
    public SortedMap<String, Object> parameters() {
        return FullAffineMap.parameters(weights, bias);
    }

    @Override
    public OutputKind writeOnnx(OnnxGraphBuilder graph, String logits, String result) {
        return FullAffineMap.writeOnnx(FullAffineMap.Features.LOGITS, graph, logits, result, numClasses, weights,
                bias);
    }
}
