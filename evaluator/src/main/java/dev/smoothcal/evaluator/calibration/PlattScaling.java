package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Platt scaling (Platt 1999) of a two-class model: {@code p_1 = sigmoid(a s + b)}, {@code p_0 = 1 - p_1},
 * with the logit margin {@code s = z_1 - z_0} as the score ({@code ln(p_1 / p_0)} for a probabilities
 * model), so {@code a = 1, b = 0} is the uncalibrated model.
 *
 * <p>Fit: Platt's own objective, the cross-entropy against his smoothed targets
 * {@code t_i = (N_+ + 1) / (N_+ + 2)} for class 1 and {@code 1 / (N_- + 2)} for class 0 (a prior that keeps
 * a separable split finite), {@code mean_i(t_i softplus(-u_i) + (1 - t_i) softplus(u_i))} with
 * {@code u_i = a s_i + b}, minimised by Polak-Ribière conjugate gradient with the analytic gradient
 * {@code mean_i (sigmoid(u_i) - t_i) (s_i, 1)} from {@code (1, 0)}; convex. This is scikit-learn's
 * {@code CalibratedClassifierCV(method="sigmoid")} fit, whose parameters are {@code (A, B) = (-a, -b)}.
 * A negative a reverses the ranking. Export: the calibrated logits {@code (0, a s + b)} as
 * {@code Gemm(z, [[0, -a], [0, a]], (0, b))}.
 *
 * @param slope a
 * @param intercept b
 * @serial exclude
 */
public record PlattScaling(double slope, double intercept) implements Calibrator {
    /**
     * Both must be finite.
     *
     * @param slope a
     * @param intercept b
     */
    public PlattScaling {
        if (!Double.isFinite(slope) || !Double.isFinite(intercept)) {
            throw SmoothcalException.defect("Platt scaling with a non-finite parameter: " + slope + ", " + intercept);
        }
    }

    static FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
        if (data.numClasses() != 2) {
            throw SmoothcalException.invalid("calibrators", "platt needs a model of 2 classes, found "
                    + data.numClasses() + " (use temperature, vector, matrix, dirichlet, histogram or isotonic)");
        }
        int n = data.size();
        double[] s = margins(data.logits(), n);
        int positives = 0;
        for (int y : data.labels()) {
            positives += y;
        }
        double high = (positives + 1.0) / (positives + 2.0);
        double low = 1.0 / (n - positives + 2.0);
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = data.labels()[i] == 1 ? high : low;
        }
        Minimiser.Result r = Minimiser.minimise((theta, gradient) -> objective(theta, gradient, s, t),
                new double[] {1.0, 0.0}, settings.maxIterations());
        PlattScaling p = new PlattScaling(r.point()[0], r.point()[1]);
        double[] z = Rows.widen(data.logits(), 2 * n);
        double after = Rows.meanNllOfProbabilities(p.probabilities(data.logits(), n), data.labels(), n, 2);
        return new FittedCalibrator(p, new CalibrationFit(n, Rows.meanNllOfLogits(z, data.labels(), n, 2), after,
                r.value(), r.iterations(), LinearMaps.convergence(r)));
    }

    /** Platt's objective and its gradient at {@code theta = (a, b)}. */
    static double objective(double[] theta, double[] gradient, double[] s, double[] t) {
        double loss = 0;
        double ga = 0;
        double gb = 0;
        for (int i = 0; i < s.length; i++) {
            double u = theta[0] * s[i] + theta[1];
            loss += t[i] * softplus(-u) + (1 - t[i]) * softplus(u);
            double g = sigmoid(u) - t[i];
            ga += g * s[i];
            gb += g;
        }
        gradient[0] = ga / s.length;
        gradient[1] = gb / s.length;
        return loss / s.length;
    }

    static double[] margins(float[] logits, int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = (double) logits[2 * i + 1] - logits[2 * i];
        }
        return s;
    }

    static double softplus(double u) {
        return Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
    }

    static double sigmoid(double u) {
        return u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
    }

    @Override
    public CalibrationMethod method() {
        return CalibrationMethod.PLATT;
    }

    @Override
    public int numClasses() {
        return 2;
    }

    @Override
    public double[] probabilities(float[] logits, int n) {
        double[] s = margins(logits, n);
        double[] p = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double u = slope * s[i] + intercept;
            p[2 * i + 1] = sigmoid(u);
            p[2 * i] = sigmoid(-u);
        }
        return p;
    }

    @Override
    public SortedMap<String, Object> parameters() {
        return new TreeMap<>(java.util.Map.of("slope", slope, "intercept", intercept));
    }

    @Override
    public OutputKind writeOnnx(OnnxGraphBuilder graph, String logits, String result) {
        FullAffineMap.writeGemm(graph, logits, result, 2, new double[] {0, 0, -slope, slope},
                new double[] {0, intercept});
        return OutputKind.LOGITS;
    }
}
