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
        checkFinite(logits, n, numClasses);
        double[] out = new double[n * numClasses];
        double[] row = new double[numClasses];
        for (int i = 0; i < n; i++) {
            row(logits, i * numClasses, numClasses, row);
            System.arraycopy(row, 0, out, i * numClasses, numClasses);
        }
        return out;
    }

    /** Throws for the first logit of the first n rows that is NaN or infinite. */
    static void checkFinite(float[] logits, int n, int numClasses) {
        int values = n * numClasses;
        boolean finite = true;
        for (int i = 0; i < values; i++) {
            // a float is finite when its exponent bits are not all ones
            finite &= (Float.floatToRawIntBits(logits[i]) & 0x7f800000) != 0x7f800000;
        }
        if (finite) {
            return;
        }
        for (int i = 0; i < values; i++) {
            if (!Float.isFinite(logits[i])) {
                throw new SmoothcalException("row " + i / numClasses + ", class " + i % numClasses
                        + ": expected a finite logit, found " + logits[i]);
            }
        }
    }

    /** Softmax of the K finite logits at {@code offset}, into {@code out[0, K)}: the formula above. */
    static void row(float[] logits, int offset, int numClasses, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < numClasses; k++) {
            max = Math.max(max, logits[offset + k]);
        }
        double sum = 0.0;
        for (int k = 0; k < numClasses; k++) {
            double e = Math.exp(logits[offset + k] - max);
            out[k] = e;
            sum += e;
        }
        for (int k = 0; k < numClasses; k++) {
            out[k] /= sum;
        }
    }
}
