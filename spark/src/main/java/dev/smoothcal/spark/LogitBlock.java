package dev.smoothcal.spark;

import java.io.Serializable;

/**
 * One partition's logits for the temperature fit, kept (cached) on its executor between the fit's passes.
 *
 * @param first the global index of the block's first sample
 * @param n samples
 * @param logits row-major {@code [n, k]} logits (for a probabilities output, {@code ln(max(p, 1e-12))})
 * @param labels {@code n} labels
 */
record LogitBlock(long first, int n, float[] logits, int[] labels) implements Serializable {
}
