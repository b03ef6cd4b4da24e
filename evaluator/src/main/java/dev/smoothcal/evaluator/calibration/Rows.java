package dev.smoothcal.evaluator.calibration;

/** Row-wise softmax, log-softmax and NLL in double precision, stable (the row maximum is taken out first). */
final class Rows {
    /** Smallest probability inside a logarithm, as {@link dev.smoothcal.core.metrics.MetricsAccumulator}. */
    static final double FLOOR = TemperatureScaling.PROBABILITY_FLOOR;

    private Rows() {
    }

    static double[] widen(float[] values, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** Row-wise log-softmax of {@code n} rows of {@code k} values. */
    static double[] logSoftmax(double[] z, int n, int k) {
        double[] out = new double[n * k];
        for (int i = 0; i < n; i++) {
            int row = i * k;
            double lse = logSumExp(z, row, k);
            for (int j = 0; j < k; j++) {
                out[row + j] = z[row + j] - lse;
            }
        }
        return out;
    }

    /** Row-wise softmax of {@code n} rows of {@code k} values. */
    static double[] softmax(double[] z, int n, int k) {
        double[] out = logSoftmax(z, n, k);
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.exp(out[i]);
        }
        return out;
    }

    static double logSumExp(double[] z, int row, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, z[row + j]);
        }
        double s = 0;
        for (int j = 0; j < k; j++) {
            s += Math.exp(z[row + j] - max);
        }
        return max + Math.log(s);
    }

    /** {@code mean_i(logsumexp(z_i) - z_iy)}: the NLL of softmax(z), unclamped. */
    static double meanNllOfLogits(double[] z, int[] labels, int n, int k) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += logSumExp(z, i * k, k) - z[i * k + labels[i]];
        }
        return sum / n;
    }

    /** {@code mean_i(-ln(max(p_iy, 1e-12)))}. */
    static double meanNllOfProbabilities(double[] p, int[] labels, int n, int k) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum -= Math.log(Math.max(p[i * k + labels[i]], FLOOR));
        }
        return sum / n;
    }

    /** Divides each row by its sum; a row summing to 0 becomes uniform (as scikit-learn's calibration). */
    static void normalise(double[] p, int n, int k) {
        for (int i = 0; i < n; i++) {
            int row = i * k;
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += p[row + j];
            }
            for (int j = 0; j < k; j++) {
                p[row + j] = sum > 0 ? p[row + j] / sum : 1.0 / k;
            }
        }
    }
}
