package dev.smoothcal.trainer.model;

/**
 * TensorFlow's window padding rules for convolution and pooling along one spatial axis of size
 * {@code in}, window {@code k}, stride {@code s}.
 */
public enum Padding {
    /**
     * {@code out = ceil(in / s)}; total padding {@code max((out - 1) * s + k - in, 0)}, of which
     * {@code floor(total / 2)} goes before and the rest (one more when odd) after the data.
     */
    SAME,
    /** No padding: {@code out = floor((in - k) / s) + 1}, which needs {@code in >= k}. */
    VALID;

    /**
     * Output size along one axis.
     *
     * @param in input size
     * @param k window size
     * @param s stride
     * @return the output size, 0 when VALID and {@code in < k}
     */
    public long outputSize(long in, long k, long s) {
        if (this == SAME) {
            return (in + s - 1) / s;
        }
        return in < k ? 0 : (in - k) / s + 1;
    }

    /**
     * Padding along one axis.
     *
     * @param in input size
     * @param k window size
     * @param s stride
     * @return {@code [before, after]}; always {@code [0, 0]} for VALID
     */
    public long[] pads(long in, long k, long s) {
        if (this == VALID) {
            return new long[] {0, 0};
        }
        long total = Math.max((outputSize(in, k, s) - 1) * s + k - in, 0);
        return new long[] {total / 2, total - total / 2};
    }
}
