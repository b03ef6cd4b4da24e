package dev.smoothcal.core.metrics;

import dev.smoothcal.core.SmoothcalException;

/** Logits to probabilities for {@link MetricsAccumulator}, in double precision. */
public final class Softmax {

    private Softmax() {
    }

    /**
     * Row-wise softmax of row-major {@code [n, K]} logits:
     * {@code p_k = exp(z_k - max(z)) / sum_j exp(z_j - max(z))}. Subtracting the row maximum keeps every
     * exponent at most 0, so no logit overflows; the largest term is exactly 1, so the sum is at least 1.
     *
     * @param logits row-major {@code [n, K]} (or longer; the rest is ignored)
     * @param n rows
     * @param numClasses K, at least 1
     * @return {@code n * K} probabilities
     * @throws SmoothcalException for a logit that is NaN or infinite (naming its row and class) or a bad shape
     */
    public static double[] probabilities(float[] logits, int n, int numClasses) {
        if (numClasses < 1 || n < 0) {
            throw new SmoothcalException("expected n >= 0 rows of K >= 1 logits, found n = " + n + ", K = " + numClasses);
        }
        if (logits == null || logits.length < (long) n * numClasses) {
            throw new SmoothcalException("expected at least n*K = " + (long) n * numClasses + " logits, found "
                    + (logits == null ? "none" : logits.length));
        }
        double[] out = new double[n * numClasses];
        for (int i = 0; i < n; i++) {
            int offset = i * numClasses;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < numClasses; k++) {
                float z = logits[offset + k];
                if (!Float.isFinite(z)) {
                    throw new SmoothcalException("row " + i + ", class " + k + ": expected a finite logit, found " + z);
                }
                max = Math.max(max, z);
            }
            double sum = 0.0;
            for (int k = 0; k < numClasses; k++) {
                double e = Math.exp(logits[offset + k] - max);
                out[offset + k] = e;
                sum += e;
            }
            for (int k = 0; k < numClasses; k++) {
                out[offset + k] /= sum;
            }
        }
        return out;
    }
}
