package dev.smoothcal.core.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Top-label confidences in {@value #RESOLUTION} equal-width micro-bins (same edge rule as
 * {@link EqualWidthBins}), merged at the end into B groups of about N/B samples.
 *
 * <p>Micro-bin m goes to group {@code floor(C_m * B / N)}, with {@code C_m} the number of samples in
 * micro-bins below m. When no micro-bin holds samples on both sides of a group boundary this is exactly
 * the rule "the sample of rank r (0-based, ascending confidence) is in group floor(r * B / N)", so groups
 * hold floor(N/B) or ceil(N/B) samples. Otherwise a micro-bin (width 2^-16) is never split and its group
 * grows by the samples it holds: the result is exact up to the micro-bin resolution.
 */
final class EqualMassHistogram implements java.io.Serializable {
    private static final long serialVersionUID = 2L;

    static final int RESOLUTION = 1 << 16;

    /** Fields of a micro-bin in {@link #cells}. */
    private static final int COUNT = 0;
    private static final int CONFIDENCE = 1;
    private static final int HITS = 2;
    private static final int STRIDE = 3;

    /**
     * Per micro-bin m, side by side so that a sample touches one cache line: {@code [3m]} the count,
     * {@code [3m + 1]} the sum of confidences, {@code [3m + 2]} the hits. Counts are whole numbers,
     * exact in a double up to 2^53 samples.
     */
    private final double[] cells = new double[STRIDE * RESOLUTION];

    void add(double confidence, int hit) {
        int i = STRIDE * EqualWidthBins.index(confidence, RESOLUTION);
        cells[i + COUNT] += 1;
        cells[i + CONFIDENCE] += confidence;
        cells[i + HITS] += hit;
    }

    void combine(EqualMassHistogram other) {
        for (int i = 0; i < cells.length; i++) {
            cells[i] += other.cells[i];
        }
    }

    /** The groups and their ECE {@code sum_g |hits_g - confidence_sum_g| / N}. */
    Summary summarise(int bins, long total) {
        List<ReliabilityBin> groups = new ArrayList<>(bins);
        double errorSum = 0.0;
        long before = 0;
        int open = -1;
        int first = 0;
        int last = 0;
        long count = 0;
        double confidence = 0.0;
        long hit = 0;
        for (int m = 0; m < RESOLUTION; m++) {
            long inBin = (long) cells[STRIDE * m + COUNT];
            if (inBin == 0) {
                continue;
            }
            int group = (int) (before * bins / total);
            if (group != open && count > 0) {
                groups.add(group(first, last, count, confidence, hit));
                errorSum += Math.abs(hit - confidence);
                count = 0;
                confidence = 0.0;
                hit = 0;
            }
            if (count == 0) {
                first = m;
                open = group;
            }
            last = m;
            count += inBin;
            confidence += cells[STRIDE * m + CONFIDENCE];
            hit += (long) cells[STRIDE * m + HITS];
            before += inBin;
        }
        if (count > 0) {
            groups.add(group(first, last, count, confidence, hit));
            errorSum += Math.abs(hit - confidence);
        }
        return new Summary(groups, errorSum / total);
    }

    private static ReliabilityBin group(int first, int last, long count, double confidence, long hit) {
        return ReliabilityBin.of((double) first / RESOLUTION, (double) (last + 1) / RESOLUTION, count, confidence, hit);
    }

    record Summary(List<ReliabilityBin> groups, double calibrationError) {
    }
}
