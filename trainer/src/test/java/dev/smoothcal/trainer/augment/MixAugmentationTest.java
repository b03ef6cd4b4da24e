package dev.smoothcal.trainer.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.trainer.loss.SmoothedCrossEntropy;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

class MixAugmentationTest {
    private static final MixConfig BOTH = new MixConfig(0.4, 1.0, 1, 0.5, MixMode.ELEM);

    @Test
    void mixedLabelsAreLamWeightedPairsAndSumToOne() {
        int n = 64;
        int k = 10;
        int[] y = new SplittableRandom(1).ints(n, 0, k).toArray();
        GraphRun r = mix(BOTH, randomImages(n, 6, 5, 2, 2), n, 6, 5, 2, oneHot(y, k), k, 3, 0);
        float[] labels = r.floats(1);
        float[] lam = r.floats(2);
        int[] partner = r.ints(3);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += labels[i * k + j];
                // recomputation in double: lam y_i + (1 - lam) y_partner
                double expected = lam[i] * (y[i] == j ? 1 : 0) + (1.0 - lam[i]) * (y[partner[i]] == j ? 1 : 0);
                assertEquals(expected, labels[i * k + j], 1e-6, "label " + j + " of sample " + i);
            }
            assertEquals(1.0, sum, 1e-6, "label sum of sample " + i);
            assertTrue(lam[i] >= 0 && lam[i] <= 1, "lam " + lam[i]);
        }
        assertPermutation(partner, n);
    }

    /**
     * Distinct constant images (sample i is filled with i + 1): CutMix output pixels are either the sample's
     * or its partner's value, the partner's pixels form one rectangle, and their count is (1 - lam) H W.
     */
    @Test
    void cutMixAreaMatchesCorrectedLam() {
        int n = 60;
        int h = 12;
        int w = 20;
        int c = 3;
        float[] images = new float[n * h * w * c];
        for (int i = 0; i < n; i++) {
            Arrays.fill(images, i * h * w * c, (i + 1) * h * w * c, i + 1);
        }
        GraphRun r = mix(new MixConfig(0, 1.0, 1, 0.5, MixMode.ELEM), images, n, h, w, c, oneHot(new int[n], 2), 2, 5, 9);
        float[] out = r.floats(0);
        float[] lam = r.floats(2);
        int[] partner = r.ints(3);
        int mixedSamples = 0;
        for (int i = 0; i < n; i++) {
            int p = partner[i];
            int taken = 0;
            int top = h;
            int bottom = -1;
            int left = w;
            int right = -1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        float v = out[((i * h + y) * w + x) * c + ch];
                        if (p == i || v != p + 1) {
                            assertEquals(i + 1, v, 0.0, "pixel of sample " + i);
                        } else if (ch == 0) {
                            taken++;
                            top = Math.min(top, y);
                            bottom = Math.max(bottom, y);
                            left = Math.min(left, x);
                            right = Math.max(right, x);
                        }
                    }
                }
            }
            if (p != i) {
                mixedSamples++;
                // exact pixel count against the lam returned: only float rounding of lam separates them
                assertEquals((1.0 - lam[i]) * h * w, taken, 1e-3, "partner pixels of sample " + i);
                if (taken > 0) {
                    assertEquals((bottom - top + 1) * (right - left + 1), taken, "box of sample " + i + " is a rectangle");
                }
            }
        }
        assertTrue(mixedSamples > n / 2, "most samples have another partner, found " + mixedSamples);
    }

    /**
     * {@code cutmixMinmax = (0.2, 0.7)} on 40x32 images (sample i filled with i + 1), one box per sample: every
     * box is a rectangle inside the image, {@code 1 - lam} is its area share, and its area follows the
     * definition: sides {@code round(r H)}, {@code round(r W)} with independent {@code r ~ U(0.2, 0.7)}, whose
     * exact distribution is computed here in double (P(side = k) = the length of {@code r H in [k - 1/2,
     * k + 1/2]} within {@code [min H, max H]}, over {@code (max - min) H}; the area's by summing products).
     * Kolmogorov-Smirnov distance to that CDF below the 1% critical value 1.63/sqrt(n) (conservative for a
     * discrete law), and the mean within 5 standard errors.
     */
    @Test
    void cutmixMinmaxBoxAreaFollowsTheDefinition() {
        double min = 0.2;
        double max = 0.7;
        int n = 1500;
        int h = 40;
        int w = 32;
        float[] images = new float[n * h * w];
        for (int i = 0; i < n; i++) {
            Arrays.fill(images, i * h * w, (i + 1) * h * w, i + 1);
        }
        MixConfig config = new MixConfig(0, 0, 1, 0.5, MixMode.ELEM).withCutmixMinmax(min, max);
        assertTrue(config.cutmixOn(), "cutmix_minmax alone turns CutMix on");
        GraphRun r = mix(config, images, n, h, w, 1, oneHot(new int[n], 2), 2, 17, 3);
        float[] out = r.floats(0);
        float[] lam = r.floats(2);
        int[] partner = r.ints(3);
        List<Integer> areas = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            int p = partner[i];
            if (p == i) {
                continue; // the box is invisible
            }
            int taken = 0;
            int top = h;
            int bottom = -1;
            int left = w;
            int right = -1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = out[(i * h + y) * w + x];
                    if (v == p + 1) {
                        taken++;
                        top = Math.min(top, y);
                        bottom = Math.max(bottom, y);
                        left = Math.min(left, x);
                        right = Math.max(right, x);
                    } else {
                        assertEquals(i + 1, v, 0.0, "pixel of sample " + i);
                    }
                }
            }
            int bh = bottom - top + 1;
            int bw = right - left + 1;
            assertEquals(bh * bw, taken, "box of sample " + i + " is a rectangle");
            assertTrue(bh >= Math.round(min * h) && bh <= Math.round(max * h), "box height " + bh);
            assertTrue(bw >= Math.round(min * w) && bw <= Math.round(max * w), "box width " + bw);
            assertEquals((1.0 - lam[i]) * h * w, taken, 1e-3, "lam of sample " + i + " is 1 - box area share");
            areas.add(taken);
        }
        assertTrue(areas.size() > n * 0.99, "nearly every sample has another partner, found " + areas.size());
        java.util.TreeMap<Integer, Double> law = new java.util.TreeMap<>();
        double[] ph = sideLaw(min, max, h);
        double[] pw = sideLaw(min, max, w);
        for (int a = 0; a < ph.length; a++) {
            for (int b = 0; b < pw.length; b++) {
                if (ph[a] > 0 && pw[b] > 0) {
                    law.merge(a * b, ph[a] * pw[b], Double::sum);
                }
            }
        }
        double mean = law.entrySet().stream().mapToDouble(e -> e.getKey() * e.getValue()).sum();
        double variance = law.entrySet().stream().mapToDouble(e -> Math.pow(e.getKey() - mean, 2) * e.getValue()).sum();
        int m = areas.size();
        double observedMean = areas.stream().mapToInt(Integer::intValue).average().orElseThrow();
        assertEquals(mean, observedMean, 5 * Math.sqrt(variance / m), "mean box area");
        int[] sorted = areas.stream().mapToInt(Integer::intValue).sorted().toArray();
        double cdf = 0;
        double ks = 0;
        int below = 0;
        for (var e : law.entrySet()) {
            double before = cdf;
            cdf += e.getValue();
            int countBefore = below;
            while (below < m && sorted[below] <= e.getKey()) {
                below++;
            }
            ks = Math.max(ks, Math.max(Math.abs((double) below / m - cdf), Math.abs((double) countBefore / m - before)));
        }
        assertEquals(m, below, "every observed area is possible under the definition");
        assertTrue(ks < 1.63 / Math.sqrt(m), "KS distance " + ks + " to the definition's area law, n " + m);
    }

    /** P(side = k), k = 0..size: {@code round(r size)} for {@code r ~ U(min, max)}. */
    private static double[] sideLaw(double min, double max, int size) {
        double[] p = new double[size + 1];
        for (int k = 0; k <= size; k++) {
            double lo = Math.max(min * size, k - 0.5);
            double hi = Math.min(max * size, k + 0.5);
            p[k] = Math.max(0, hi - lo) / ((max - min) * size);
        }
        return p;
    }

    /**
     * 20,000 ELEM draws of Mixup's lam (1x1 images, so the graph is small) against Commons Math's
     * Beta(a, a): mean and variance within 5 standard errors (the variance's standard error estimated
     * from the sample's fourth central moment), and a chi-square test over 20 equal-probability bins of
     * Beta(a, a) (not Kolmogorov-Smirnov: float32 rounds about 1.6% of Beta(0.2, 0.2) draws to exactly
     * 1, which a KS statistic on continuous data flags, while bins away from the ends do not see it).
     */
    @Test
    void mixupLamFollowsBeta() {
        for (double alpha : new double[] {0.2, 1.0}) {
            int n = 20_000;
            GraphRun r = mix(new MixConfig(alpha, 0, 1, 0.5, MixMode.ELEM), new float[n], n, 1, 1, 1,
                    oneHot(new int[n], 2), 2, 11, 1);
            double[] lam = toDouble(r.floats(2));
            BetaDistribution beta = new BetaDistribution(alpha, alpha);
            double mean = Arrays.stream(lam).average().orElseThrow();
            double var = Arrays.stream(lam).map(v -> (v - mean) * (v - mean)).sum() / (n - 1);
            double m4 = Arrays.stream(lam).map(v -> Math.pow(v - mean, 4)).sum() / n;
            assertEquals(beta.getNumericalMean(), mean, 5 * Math.sqrt(beta.getNumericalVariance() / n), "mean, alpha " + alpha);
            assertEquals(beta.getNumericalVariance(), var, 5 * Math.sqrt((m4 - var * var) / n), "variance, alpha " + alpha);
            int bins = 20;
            double[] expected = new double[bins];
            long[] observed = new long[bins];
            double[] upper = new double[bins];
            for (int b = 0; b < bins; b++) {
                expected[b] = n / (double) bins;
                upper[b] = b == bins - 1 ? Double.POSITIVE_INFINITY : beta.inverseCumulativeProbability((b + 1.0) / bins);
            }
            for (double v : lam) {
                int b = 0;
                while (v > upper[b]) {
                    b++;
                }
                observed[b]++;
            }
            double pValue = new ChiSquareTest().chiSquareTest(expected, observed);
            assertTrue(pValue > 1e-3, "chi-square p-value " + pValue + ", alpha " + alpha + ", counts " + Arrays.toString(observed));
        }
    }

    /** Mean smoothed CE on mixed labels = mean of lam CE(y_i) + (1 - lam) CE(y_partner), double reference. */
    @Test
    void crossEntropyOnMixedLabelsIsLamWeighted() {
        int n = 40;
        int k = 7;
        int h = 6;
        int w = 6;
        int[] y = new SplittableRandom(2).ints(n, 0, k).toArray();
        float[] weights = randomImages(1, h * w, k, 1, 3);
        LabelSmoothing smoothing = LabelSmoothing.uniform(0.1);
        for (MixConfig config : List.of(BOTH, MixConfig.cutmix(1.0), MixConfig.mixup(0.4))) {
            GraphRun r = GraphRun.of(tf -> {
                Mixed m = new MixAugmentation(config).apply(tf, GraphRun.constant(tf, randomImages(n, h, w, 1, 4), n, h, w, 1),
                        GraphRun.constant(tf, oneHot(y, k), n, k), tf.constant(new long[] {21, 4}));
                Operand<TFloat32> logits = tf.linalg.matMul(tf.reshape(m.images(), tf.constant(new int[] {-1, h * w})),
                        GraphRun.constant(tf, weights, h * w, k));
                return List.of(logits, new SmoothedCrossEntropy(smoothing).call(tf, m.labels(), logits), m.lam(), m.partner());
            });
            float[] z = r.floats(0);
            float[] lam = r.floats(2);
            int[] partner = r.ints(3);
            double expected = 0;
            for (int i = 0; i < n; i++) {
                double[] zi = toDouble(Arrays.copyOfRange(z, i * k, (i + 1) * k));
                expected += lam[i] * LabelSmoothing.crossEntropy(zi, smoothing.smooth(y[i], k))
                        + (1.0 - lam[i]) * LabelSmoothing.crossEntropy(zi, smoothing.smooth(y[partner[i]], k));
            }
            expected /= n;
            // float32 graph vs double: 1e-5 relative
            assertEquals(expected, r.floats(1)[0], 1e-5 * expected, config.toString());
        }
    }

    @Test
    void sameSeedSameBatchOtherStepOtherBatch() {
        int n = 16;
        float[] images = randomImages(n, 8, 8, 1, 5);
        float[] labels = oneHot(new SplittableRandom(3).ints(n, 0, 4).toArray(), 4);
        GraphRun a = mix(BOTH, images, n, 8, 8, 1, labels, 4, 42, 7);
        GraphRun b = mix(BOTH, images, n, 8, 8, 1, labels, 4, 42, 7);
        GraphRun c = mix(BOTH, images, n, 8, 8, 1, labels, 4, 42, 8);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(a.floats(i), b.floats(i), "output " + i + " of two fresh graphs with one seed");
        }
        assertArrayEquals(a.ints(3), b.ints(3));
        assertFalse(Arrays.equals(a.floats(2), c.floats(2)), "next step draws other lams");
        assertFalse(Arrays.equals(a.ints(3), c.ints(3)), "next step draws another permutation");
    }

    /** Batch size 7 through a placeholder of unknown batch size; BATCH mode shares one lam. */
    @Test
    void oddDynamicBatchWithOneLamPerBatch() {
        int n = 7;
        float[] images = randomImages(n, 4, 4, 1, 6);
        for (MixConfig config : List.of(MixConfig.mixup(1.0), MixConfig.cutmix(1.0))) {
            float[][] fetched = new float[2][];
            int[][] partner = new int[1][];
            try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
                Ops tf = Ops.create(g);
                Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 4, 4, 1)));
                Placeholder<TFloat32> yl = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
                Mixed m = new MixAugmentation(config).apply(tf, x, yl, tf.constant(new long[] {1, 1}));
                assertEquals(3, m.labels().shape().get(1), "static class dimension kept for the loss");
                try (org.tensorflow.Session s = new org.tensorflow.Session(g);
                        TFloat32 xt = dev.smoothcal.trainer.train.Tensors.floats(images, n, 4, 4, 1);
                        TFloat32 yt = dev.smoothcal.trainer.train.Tensors.floats(oneHot(new int[] {0, 1, 2, 0, 1, 2, 0}, 3), n, 3);
                        org.tensorflow.Result r = s.runner().feed(x, xt).feed(yl, yt).fetch(m.images()).fetch(m.lam())
                                .fetch(m.partner()).run()) {
                    fetched[0] = dev.smoothcal.trainer.train.Tensors.toArray(r.get(0));
                    fetched[1] = dev.smoothcal.trainer.train.Tensors.toArray(r.get(1));
                    partner[0] = new int[n];
                    ((org.tensorflow.types.TInt32) r.get(2)).copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(partner[0], false, false));
                }
            }
            assertEquals(n * 16, fetched[0].length);
            assertEquals(n, fetched[1].length);
            for (float v : fetched[1]) {
                assertEquals(fetched[1][0], v, 0.0, "one lam per batch");
            }
            assertPermutation(partner[0], n);
        }
    }

    @Test
    void probabilityZeroIsIdentityAndProbabilityIsHonoured() {
        int n = 10;
        float[] images = randomImages(n, 5, 5, 2, 7);
        float[] labels = oneHot(new SplittableRandom(4).ints(n, 0, 3).toArray(), 3);
        GraphRun r = mix(BOTH.withProbability(0), images, n, 5, 5, 2, labels, 3, 1, 2);
        assertArrayEquals(images, r.floats(0), "images untouched");
        assertArrayEquals(labels, r.floats(1), "labels untouched");
        float[] ones = new float[n];
        Arrays.fill(ones, 1f);
        assertArrayEquals(ones, r.floats(2), "lam exactly 1");

        // ELEM with probability 0.3: share of samples with lam < 1 is 0.3 within 5 binomial standard errors
        int big = 20_000;
        GraphRun e = mix(new MixConfig(1.0, 0, 0.3, 0.5, MixMode.ELEM), new float[big], big, 1, 1, 1,
                oneHot(new int[big], 2), 2, 3, 3);
        long mixed = 0;
        for (float l : e.floats(2)) {
            mixed += l < 1f ? 1 : 0;
        }
        assertEquals(0.3, mixed / (double) big, 5 * Math.sqrt(0.3 * 0.7 / big), "share mixed");
    }

    @Test
    void offReturnsInputs() {
        GraphRun r = mix(MixConfig.OFF, new float[] {1, 2, 3}, 3, 1, 1, 1, oneHot(new int[] {0, 1, 0}, 2), 2, 0, 0);
        assertArrayEquals(new float[] {1, 2, 3}, r.floats(0));
        assertArrayEquals(new int[] {0, 1, 2}, r.ints(3));
    }

    @Test
    void validationNamesFieldRangeAndValue() {
        assertInvalid("mixupAlpha must be finite and >= 0 (0 = off), found -0.2", () -> new MixConfig(-0.2, 0, 1, 0.5, MixMode.BATCH));
        assertInvalid("cutmixAlpha must be finite and >= 0 (0 = off), found NaN", () -> new MixConfig(0, Double.NaN, 1, 0.5, MixMode.BATCH));
        assertInvalid("mixProbability must be in [0, 1], found 1.5", () -> new MixConfig(0, 0, 1.5, 0.5, MixMode.BATCH));
        assertInvalid("switchProbability must be in [0, 1], found -1.0", () -> new MixConfig(0, 0, 1, -1, MixMode.BATCH));
        assertInvalid("mixMode must be batch or elem, found none", () -> new MixConfig(0, 0, 1, 0.5, null));
        for (double[] bad : new double[][] {{0.5, 0.2}, {0, 0.5}, {0.3, 0.3}, {0.2, 1.5}, {-0.1, 0.5}, {0.2, Double.NaN}}) {
            assertInvalid("cutmixMinmax must be MIN,MAX with 0 < MIN < MAX <= 1, found " + bad[0] + "," + bad[1],
                    () -> MixConfig.OFF.withCutmixMinmax(bad[0], bad[1]));
        }
        assertTrue(MixConfig.OFF.withCutmixMinmax(0.2, 1.0).cutmixMinmaxOn());
        assertFalse(MixConfig.OFF.cutmixOn(), "unset (0, 0) is off");
    }

    static void assertMessage(String expected, Runnable r) {
        assertEquals(expected, assertThrows(SmoothcalException.class, r::run).getMessage());
    }

    /** Asserts the message of the error {@code r} throws, and that it names the parameter its message starts with. */
    static void assertInvalid(String expected, Runnable r) {
        SmoothcalException e = assertThrows(SmoothcalException.class, r::run);
        assertEquals(expected, e.getMessage());
        assertEquals(java.util.Optional.of(expected.substring(0, expected.indexOf(' '))), e.parameter());
    }

    static GraphRun mix(MixConfig config, float[] images, int n, int h, int w, int c, float[] labels, int k,
            long runSeed, long step) {
        return GraphRun.of(tf -> {
            Operand<TInt64> seed = tf.constant(new long[] {runSeed, step});
            Mixed m = new MixAugmentation(config).apply(tf, GraphRun.constant(tf, images, n, h, w, c),
                    GraphRun.constant(tf, labels, n, k), seed);
            return List.of(m.images(), m.labels(), m.lam(), m.partner());
        });
    }

    static void assertPermutation(int[] p, int n) {
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; i++) {
            assertEquals(i, sorted[i], "partner indices form a permutation");
        }
    }

    static float[] randomImages(int n, int h, int w, int c, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[n * h * w * c];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) random.nextDouble(0, 255);
        }
        return out;
    }

    static float[] oneHot(int[] y, int k) {
        float[] out = new float[y.length * k];
        for (int i = 0; i < y.length; i++) {
            out[i * k + y[i]] = 1f;
        }
        return out;
    }

    static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
