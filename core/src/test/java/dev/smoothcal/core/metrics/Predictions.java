package dev.smoothcal.core.metrics;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Seeded synthetic model outputs: float probability rows (softmax of random logits) and labels drawn
 * from a possibly flatter distribution, so the "model" can be made over-confident on purpose.
 */
record Predictions(float[] probabilities, int[] labels, int numClasses) {

    enum ConfidenceSpacing {
        /** Any confidences. */
        ANY,
        /** Every top-label confidence in its own 2^-16 micro-bin, so equal-mass groups are exact. */
        DISTINCT_MICRO_BINS
    }

    int n() {
        return labels.length;
    }

    /**
     * @param labelTemperature 1 draws labels from the model's own probabilities (calibrated); larger
     *     values draw them from {@code softmax(z / T)}, which makes the model over-confident
     */
    static Predictions random(long seed, int n, int numClasses, double labelTemperature, ConfidenceSpacing spacing) {
        Random random = new Random(seed);
        float[] probabilities = new float[n * numClasses];
        int[] labels = new int[n];
        Set<Long> microBinsUsed = new HashSet<>(Set.of(-1L));
        double[] z = new double[numClasses];
        for (int i = 0; i < n; i++) {
            float[] row;
            do {
                double scale = 0.5 + 3.5 * random.nextDouble();
                for (int k = 0; k < numClasses; k++) {
                    z[k] = scale * random.nextGaussian();
                }
                row = toFloat(softmax(z, 1.0));
            } while (spacing == ConfidenceSpacing.DISTINCT_MICRO_BINS && !microBinsUsed.add(microBin(row)));
            System.arraycopy(row, 0, probabilities, i * numClasses, numClasses);
            labels[i] = sample(softmax(z, labelTemperature), random);
        }
        return new Predictions(probabilities, labels, numClasses);
    }

    Predictions slice(int from, int to) {
        float[] p = new float[(to - from) * numClasses];
        System.arraycopy(probabilities, from * numClasses, p, 0, p.length);
        int[] y = new int[to - from];
        System.arraycopy(labels, from, y, 0, y.length);
        return new Predictions(p, y, numClasses);
    }

    NaiveMetrics naive() {
        return NaiveMetrics.ofFloats(probabilities, labels, numClasses);
    }

    /** Accepts everything in batches of {@code batchSize}. */
    MetricsAccumulator feed(MetricsAccumulator accumulator, int batchSize) {
        for (int from = 0; from < n(); from += batchSize) {
            Predictions batch = slice(from, Math.min(n(), from + batchSize));
            accumulator.accept(batch.probabilities, batch.labels, batch.n());
        }
        return accumulator;
    }

    private static long microBin(float[] row) {
        double max = 0;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double scaled = max * 65536.0;
        // a confidence exactly on a micro-bin edge gets key -1, which is marked used up front: rejected
        return scaled == Math.floor(scaled) ? -1 : (long) scaled;
    }

    private static double[] softmax(double[] z, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v / temperature);
        }
        double[] p = new double[z.length];
        double sum = 0;
        for (int k = 0; k < z.length; k++) {
            p[k] = Math.exp(z[k] / temperature - max);
            sum += p[k];
        }
        for (int k = 0; k < z.length; k++) {
            p[k] /= sum;
        }
        return p;
    }

    private static float[] toFloat(double[] p) {
        float[] f = new float[p.length];
        for (int k = 0; k < p.length; k++) {
            f[k] = (float) p[k];
        }
        return f;
    }

    private static int sample(double[] p, Random random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int k = 0; k < p.length; k++) {
            cumulative += p[k];
            if (u < cumulative) {
                return k;
            }
        }
        return p.length - 1;
    }
}
