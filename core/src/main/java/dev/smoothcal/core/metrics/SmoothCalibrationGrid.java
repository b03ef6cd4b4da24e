package dev.smoothcal.core.metrics;

/**
 * The streaming part of the smooth ECE (Blasiok and Nakkiran 2023): top-label residuals
 * {@code r_i = c_i - ok_i} split linearly onto {@value #POINTS} equally spaced grid points of [0, 1], as
 * relplot's {@code smooth_round_to_grid} does: a residual at {@code c} between grid points {@code t_j} and
 * {@code t_(j+1)} adds {@code (1 - u) r} to point j and {@code u r} to point j + 1, {@code u = c / h - j},
 * {@code h = 1 / (POINTS - 1)}. Sums of residuals add, so shards combine exactly (up to the order of
 * additions).
 *
 * <p>Result, for a bandwidth σ: the kernel-smoothed residual {@code ĥ_σ(t) = (1/N) sum_g R_g K_σ(t, t_g)}
 * with the Gaussian kernel reflected at 0 and 1,
 * {@code K_σ(t, s) = sum_{m = -3..3} [φ_σ(t - s - 2m) + φ_σ(t + s - 2m)]} (a density on [0, 1] for every
 * s), and {@code smECE_σ = ∫_0^1 |ĥ_σ(t)| dt} by the trapezoidal rule on the same grid. The bandwidth is
 * the paper's fixed point {@code σ* : smECE_σ* = σ*}, found as relplot finds it: σ* = 1 when
 * {@code smECE_1 >= 1}, else bisection of [0, 1] on the predicate {@code σ < 0.001 or σ < smECE_σ}
 * (here 20 halvings instead of relplot's 10), keeping the upper end; the reported value is
 * {@code smECE_σ*}. Differences from relplot: the reflected kernel is not truncated at distance 1/2, the
 * integral is the trapezoidal rule rather than the grid mean, the grid is fixed (resolution 1/1024, fine
 * for σ* above about 0.005) so that it streams.
 */
final class SmoothCalibrationGrid implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Grid points on [0, 1]. */
    static final int POINTS = 1025;
    private static final int REFLECTIONS = 3;
    private static final double MIN_BANDWIDTH = 0.001;
    private static final int HALVINGS = 20;

    private final double[] residuals = new double[POINTS];

    void add(double confidence, int correct) {
        double r = confidence - correct;
        double position = confidence * (POINTS - 1);
        int j = Math.max(0, Math.min(POINTS - 2, (int) position));
        double u = position - j;
        residuals[j] += (1 - u) * r;
        residuals[j + 1] += u * r;
    }

    void combine(SmoothCalibrationGrid other) {
        for (int j = 0; j < POINTS; j++) {
            residuals[j] += other.residuals[j];
        }
    }

    /** {@code [smECE_σ*, σ*]} of {@code total} samples. */
    double[] result(long total) {
        int nonZero = 0;
        int[] points = new int[POINTS];
        for (int g = 0; g < POINTS; g++) {
            if (residuals[g] != 0) {
                points[nonZero++] = g;
            }
        }
        if (nonZero == 0) {
            return new double[] {0.0, MIN_BANDWIDTH};
        }
        int[] used = java.util.Arrays.copyOf(points, nonZero);
        double sigma;
        if (smooth(1.0, used, total) >= 1.0) {
            sigma = 1.0;
        } else {
            double low = 0;
            double high = 1;
            for (int i = 0; i < HALVINGS; i++) {
                double mid = (low + high) / 2;
                if (mid < MIN_BANDWIDTH || mid < smooth(mid, used, total)) {
                    low = mid;
                } else {
                    high = mid;
                }
            }
            sigma = high;
        }
        return new double[] {smooth(sigma, used, total), sigma};
    }

    /** {@code smECE_σ}: the trapezoidal integral of {@code |ĥ_σ|} over the grid. */
    double smooth(double sigma, int[] used, long total) {
        int last = POINTS - 1;
        double h = 1.0 / last;
        // The kernel depends on t_j - t_g = (j - g) h and t_j + t_g = (j + g) h: tabulate both sums.
        double[] difference = new double[2 * last + 1];
        double[] sum = new double[2 * last + 1];
        double norm = 1 / (Math.sqrt(2 * Math.PI) * sigma);
        for (int d = -last; d <= 2 * last; d++) {
            double images = 0;
            for (int m = -REFLECTIONS; m <= REFLECTIONS; m++) {
                double x = (d - 2.0 * m * last) * h / sigma;
                images += norm * Math.exp(-0.5 * x * x);
            }
            if (d <= last) {
                difference[d + last] = images;
            }
            if (d >= 0) {
                sum[d] = images;
            }
        }
        double integral = 0;
        for (int j = 0; j <= last; j++) {
            double smoothed = 0;
            for (int g : used) {
                smoothed += residuals[g] * (difference[j - g + last] + sum[j + g]);
            }
            double weight = j == 0 || j == last ? 0.5 : 1.0;
            integral += weight * Math.abs(smoothed);
        }
        return integral * h / total;
    }
}
