package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Vector scaling (Guo et al. 2017): a scale and an offset per class, {@code p = softmax(s ⊙ z + b)}.
 *
 * <p>Fit: {@code (s, b)} minimise the mean NLL {@code mean_i(logsumexp(s ⊙ z_i + b) - (s_y z_iy + b_y))},
 * unregularised (2K parameters), from {@code s = 1, b = 0} by Polak-Ribière conjugate gradient with the
 * analytic gradient ({@code dNLL/ds_j = mean_i (p_ij - [y_i = j]) z_ij}, {@code dNLL/db_j = mean_i
 * (p_ij - [y_i = j])}), double precision. The objective is convex. A class that never occurs in the fit
 * split drives its offset towards minus infinity; the fit stops at the iteration limit or when the
 * objective no longer falls, with a large negative finite offset. Unlike temperature scaling the
 * arg-max, and so the accuracy, can change. Export: {@code Add(Mul(z, s), b)}.
 *
 * @param scale s, K values
 * @param bias b, K values
 * @serial exclude
 */
public record VectorScaling(double[] scale, double[] bias) implements Calibrator {
    /**
     * Validates the lengths and copies the arrays.
     *
     * @param scale s, K values
     * @param bias b, K values
     */
    public VectorScaling {
        if (scale == null || bias == null || scale.length < 2 || scale.length != bias.length) {
            throw SmoothcalException.defect("vector scaling needs K >= 2 scales and K offsets");
        }
        scale = scale.clone();
        bias = bias.clone();
    }

    static FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
        int k = data.numClasses();
        int n = data.size();
        double[] x = Rows.widen(data.logits(), n * k);
        LinearMaps.Fitted f = LinearMaps.fit(x, data.labels(), k, LinearMaps.Form.DIAGONAL, 0, 0,
                settings.maxIterations());
        VectorScaling v = new VectorScaling(f.weights(), f.bias());
        double after = Rows.meanNllOfProbabilities(v.probabilities(data.logits(), n), data.labels(), n, k);
        return new FittedCalibrator(v, new CalibrationFit(n, Rows.meanNllOfLogits(x, data.labels(), n, k), after,
                f.result().value(), f.result().iterations(), LinearMaps.convergence(f.result())));
    }

    /**
     * A copy of the fitted parameters.
     *
     * @return s, K values
     */
    @Override
    public double[] scale() {
        return scale.clone();
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
        return CalibrationMethod.VECTOR;
    }

    @Override
    public int numClasses() {
        return scale.length;
    }

    @Override
    public double[] probabilities(float[] logits, int n) {
        int k = numClasses();
        return Rows.softmax(LinearMaps.logits(scale, bias, Rows.widen(logits, n * k), n, k,
                LinearMaps.Form.DIAGONAL), n, k);
    }

    @Override
    public SortedMap<String, Object> parameters() {
        return new TreeMap<>(java.util.Map.of("scale", LinearMaps.list(scale), "bias", LinearMaps.list(bias)));
    }

    @Override
    public OutputKind writeOnnx(OnnxGraphBuilder graph, String logits, String result) {
        int k = numClasses();
        graph.initializer(result + "_scale", LinearMaps.floats(scale), k);
        graph.initializer(result + "_bias", LinearMaps.floats(bias), k);
        graph.node("Mul", List.of(logits, result + "_scale"), result + "_scaled");
        graph.node("Add", List.of(result + "_scaled", result + "_bias"), result);
        return OutputKind.LOGITS;
    }
}
