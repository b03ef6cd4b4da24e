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
    private static final long serialVersionUID = 1L;

    static final int RESOLUTION = 1 << 16;

    private final long[] counts = new long[RESOLUTION];
    private final double[] confidenceSums = new double[RESOLUTION];
    private final long[] hits = new long[RESOLUTION];

    void add(double confidence, int hit) {
        int m = EqualWidthBins.index(confidence, RESOLUTION);
        counts[m]++;
        confidenceSums[m] += confidence;
        hits[m] += hit;
    }

    void combine(EqualMassHistogram other) {
        for (int m = 0; m < RESOLUTION; m++) {
            counts[m] += other.counts[m];
            confidenceSums[m] += other.confidenceSums[m];
            hits[m] += other.hits[m];
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
            if (counts[m] == 0) {
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
            count += counts[m];
            confidence += confidenceSums[m];
            hit += hits[m];
            before += counts[m];
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
