package dev.smoothcal.trainer.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The dense (framework) and sparse smoothed cross-entropies against core's double-precision
 * {@link LabelSmoothing#loss} reference. Tolerance: a float32 graph against double, {@code |d| <= 1e-5 |ref| + 1e-6}.
 */
class SmoothedLossesTest {
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int k : new int[] {2, 10, 1000}) {
            for (int n : new int[] {1, 7, 64}) {
                for (SmoothingConvention c : SmoothingConvention.values()) {
                    b.add(Arguments.of(k, n, new LabelSmoothing(0.2, c)));
                }
            }
        }
        b.add(Arguments.of(10, 5, LabelSmoothing.NONE));
        return b.build();
    }

    @ParameterizedTest(name = "K={0} N={1} {2}")
    @MethodSource("cases")
    void denseMatchesReference(int k, int n, LabelSmoothing smoothing) {
        float[] z = logits(n, k, 31L * k + n);
        int[] y = labels(n, k, 7L * k + n);
        double actual = run(tf -> new SmoothedCrossEntropy(smoothing).call(tf, floats(tf, oneHot(y, k), n, k),
                floats(tf, z, n, k)));
        assertClose(smoothing.loss(toDouble(z, n, k), y), actual);
    }

    @ParameterizedTest(name = "K={0} N={1} {2}")
    @MethodSource("cases")
    void sparseMatchesReference(int k, int n, LabelSmoothing smoothing) {
        float[] z = logits(n, k, 31L * k + n);
        int[] y = labels(n, k, 7L * k + n);
        double expected = smoothing.loss(toDouble(z, n, k), y);
        double int32 = run(tf -> new SparseSmoothedCrossEntropy(smoothing).call(tf, tf.constant(y), floats(tf, z, n, k)));
        long[] y64 = java.util.Arrays.stream(y).asLongStream().toArray();
        double int64 = run(tf -> new SparseSmoothedCrossEntropy(smoothing).call(tf, tf.constant(y64), floats(tf, z, n, k)));
        assertClose(expected, int32);
        assertClose(expected, int64);
    }

    @Test
    void sparseEqualsDenseOnOneHotLabels() {
        int n = 33;
        int k = 10;
        float[] z = logits(n, k, 5);
        int[] y = labels(n, k, 6);
        for (SmoothingConvention c : SmoothingConvention.values()) {
            LabelSmoothing s = new LabelSmoothing(0.3, c);
            double dense = run(tf -> new SmoothedCrossEntropy(s).call(tf, floats(tf, oneHot(y, k), n, k), floats(tf, z, n, k)));
            double sparse = run(tf -> new SparseSmoothedCrossEntropy(s).call(tf, tf.constant(y), floats(tf, z, n, k)));
            // two float32 graphs of different op sequences: relative 1e-5
            assertEquals(dense, sparse, RTOL * Math.abs(dense), c.name());
        }
    }

    /**
     * The reference notebook's two ways: smooth the label list first (LabelSmoothing.smooth) and train with
     * a = 0, or keep one-hot labels and smooth inside the loss.
     */
    @Test
    void explicitSmoothedLabelsEqualSmoothingInTheLoss() {
        int n = 20;
        int k = 10;
        float[] z = logits(n, k, 8);
        int[] y = labels(n, k, 9);
        for (SmoothingConvention c : SmoothingConvention.values()) {
            LabelSmoothing s = new LabelSmoothing(0.25, c);
            float[] smoothed = new float[n * k];
            for (int i = 0; i < n; i++) {
                double[] t = s.smooth(y[i], k);
                for (int j = 0; j < k; j++) {
                    smoothed[i * k + j] = (float) t[j];
                }
            }
            double explicit = run(tf -> new SmoothedCrossEntropy(LabelSmoothing.NONE).call(tf,
                    floats(tf, smoothed, n, k), floats(tf, z, n, k)));
            double inLoss = run(tf -> new SmoothedCrossEntropy(s).call(tf, floats(tf, oneHot(y, k), n, k), floats(tf, z, n, k)));
            double sparse = run(tf -> new SparseSmoothedCrossEntropy(s).call(tf, tf.constant(y), floats(tf, z, n, k)));
            assertEquals(explicit, inLoss, RTOL * Math.abs(explicit), c.name());
            assertEquals(explicit, sparse, RTOL * Math.abs(explicit), c.name());
        }
    }

    /**
     * {@link SmoothingMethod#LABELS}' path: labels smoothed in the graph by {@code smoothLabels}, then a loss
     * with a = 0, equals smoothing in the loss, on one-hot labels and on mixed (soft) ones, both conventions.
     */
    @Test
    void inGraphSmoothedLabelsWithAZeroLossEqualSmoothingInTheLoss() {
        int n = 20;
        int k = 10;
        float[] z = logits(n, k, 10);
        float[] hard = oneHot(labels(n, k, 11), k);
        float[] other = oneHot(labels(n, k, 12), k);
        float[] mixed = new float[n * k];
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = 0.7f * hard[i] + 0.3f * other[i];
        }
        for (float[] y : List.of(hard, mixed)) {
            for (SmoothingConvention c : SmoothingConvention.values()) {
                SmoothedCrossEntropy s = new SmoothedCrossEntropy(new LabelSmoothing(0.1, c));
                double labelsFirst = run(tf -> new SmoothedCrossEntropy(LabelSmoothing.NONE).call(tf,
                        s.smoothLabels(tf, floats(tf, y, n, k)), floats(tf, z, n, k)));
                double inLoss = run(tf -> s.call(tf, floats(tf, y, n, k), floats(tf, z, n, k)));
                assertEquals(inLoss, labelsFirst, RTOL * Math.abs(inLoss), c.name());
            }
        }
    }

    /** Published value: fastai label-smoothing example (GUIDE section 2), loss 1.4670 to 4 decimals. */
    @Test
    void workedExample() {
        float[] z = {0, 0.2f, 0.7f, 0.1f, 0, 0, 0.9f, 0.2f, 0.2f, 1, 1, 0.2f, 0.7f, 0.9f, 1};
        int[] y = {2, 1, 0};
        LabelSmoothing s = LabelSmoothing.uniform(0.5);
        assertEquals(1.4670, run(tf -> new SparseSmoothedCrossEntropy(s).call(tf, tf.constant(y), floats(tf, z, 3, 5))), 5e-5);
        assertEquals(1.4670, run(tf -> new SmoothedCrossEntropy(s).call(tf, floats(tf, oneHot(y, 5), 3, 5),
                floats(tf, z, 3, 5))), 5e-5);
    }

    /** With a dynamic class dimension the sparse loss reads K at run time (other-classes needs it). */
    @Test
    void sparseWithDynamicClassCount() {
        int n = 6;
        int k = 12;
        float[] z = logits(n, k, 10);
        int[] y = labels(n, k, 11);
        LabelSmoothing s = new LabelSmoothing(0.3, SmoothingConvention.OTHER_CLASSES);
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> logits = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.unknown()));
            Placeholder<TInt32> lab = tf.placeholder(TInt32.class, Placeholder.shape(Shape.unknown()));
            Operand<TFloat32> loss = new SparseSmoothedCrossEntropy(s).call(tf, lab, logits);
            try (Session session = new Session(g);
                    TFloat32 zt = TFloat32.tensorOf(Shape.of(n, k), DataBuffers.of(z, true, false));
                    TInt32 yt = TInt32.vectorOf(y);
                    Result r = session.runner().feed(logits, zt).feed(lab, yt).fetch(loss).run()) {
                assertClose(s.loss(toDouble(z, n, k), y), ((TFloat32) r.get(0)).getFloat());
            }
        }
    }

    @Test
    void refusesBadShapes() {
        LabelSmoothing other = new LabelSmoothing(0.1, SmoothingConvention.OTHER_CLASSES);
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> run(tf -> new SparseSmoothedCrossEntropy(other).call(tf, tf.constant(new int[] {0}),
                        floats(tf, new float[] {1}, 1, 1))));
        assertTrue(e.getMessage().contains("at least 2 classes, found 1"), e.getMessage());
        e = assertThrows(SmoothcalException.class,
                () -> run(tf -> new SparseSmoothedCrossEntropy(other).call(tf, tf.constant(new int[][] {{0}}),
                        floats(tf, new float[] {1, 2}, 1, 2))));
        assertTrue(e.getMessage().contains("found shape [1, 1]"), e.getMessage());
    }

    /** Logits of scale up to 50 with a few entries pinned at +-100 (softmax saturation). */
    static float[] logits(int n, int k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] z = new float[n * k];
        for (int i = 0; i < n; i++) {
            double scale = i % 3 == 0 ? 50 : i % 3 == 1 ? 5 : 0.5;
            for (int j = 0; j < k; j++) {
                z[i * k + j] = (float) (scale * (2 * random.nextDouble() - 1));
            }
            if (i % 4 == 1) {
                z[i * k + random.nextInt(k)] = 100f;
                z[i * k + random.nextInt(k)] = -100f;
            }
        }
        return z;
    }

    static int[] labels(int n, int k, long seed) {
        return new SplittableRandom(seed).ints(n, 0, k).toArray();
    }

    static float[] oneHot(int[] y, int k) {
        float[] out = new float[y.length * k];
        for (int i = 0; i < y.length; i++) {
            out[i * k + y[i]] = 1f;
        }
        return out;
    }

    static double[][] toDouble(float[] z, int n, int k) {
        double[][] out = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                out[i][j] = z[i * k + j];
            }
        }
        return out;
    }

    static Operand<TFloat32> floats(Ops tf, float[] values, int n, int k) {
        return tf.constant(Shape.of(n, k), DataBuffers.of(values, true, false));
    }

    /** Builds a scalar in a fresh graph and fetches it. */
    static double run(Function<Ops, Operand<TFloat32>> build) {
        try (Graph g = new Graph()) {
            Operand<TFloat32> out = build.apply(Ops.create(g));
            try (Session session = new Session(g); Result r = session.runner().fetch(out).run()) {
                return ((TFloat32) r.get(0)).getFloat();
            }
        }
    }

    static void assertClose(double expected, double actual) {
        assertTrue(Double.isFinite(actual), "loss must be finite, found " + actual);
        assertEquals(expected, actual, RTOL * Math.abs(expected) + ATOL, "loss");
    }
}
