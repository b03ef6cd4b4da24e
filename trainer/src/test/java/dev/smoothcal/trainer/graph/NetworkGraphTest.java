package dev.smoothcal.trainer.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.trainer.model.Layer;
import dev.smoothcal.trainer.model.Layer.Bias;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.model.ParamKind;
import dev.smoothcal.trainer.model.Padding;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import dev.smoothcal.trainer.train.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The TF graph of single layers against naive double-precision loops written here from the definitions
 * (TF SAME: out = ceil(in/s), total pad max((out-1)s + k - in, 0), floor(total/2) before). Each model
 * ends in Flatten and a head Dense whose kernel is the identity, so the logits are the layer's output in
 * NHWC order; normalisation is (x - 0) / 1.
 */
class NetworkGraphTest {
    private static final int N = 3;
    private static final int H = 7;
    private static final int W = 8;
    private static final int C = 2;

    private static final Normalization IDENTITY = new Normalization(new float[] {0f, 0f}, new float[] {1f, 1f});

    @Test
    void convSameStride2MatchesNaiveLoop() {
        // H 7 -> 4 (total pad 2: 1,1), W 8 -> 4 (total pad 1: 0 before, 1 after), kernel 3x3
        Layer.Conv2D conv = Layer.Conv2D.square(3, 3, 2, Padding.SAME, Bias.USE);
        ResolvedModel model = identityHead(conv);
        Map<String, float[]> values = Weights.initial(model, 5).asMap();
        float[] bias = {0.25f, -0.5f, 1f};
        values.put("conv1_bias", bias);
        float[] kernel = values.get("conv1_kernel");
        float[] x = random(N * H * W * C, 1);
        float[] actual = inference(model, Weights.of(model, identity(values, model)), x);
        double[] expected = naiveConv(x, kernel, bias, 3, 3, 2, 3);
        assertClose(expected, actual, 1e-5);
    }

    @Test
    void convValidMatchesNaiveLoop() {
        Layer.Conv2D conv = new Layer.Conv2D(2, 2, 3, 2, 1, Padding.VALID, Bias.NONE);
        ResolvedModel model = identityHead(conv);
        Map<String, float[]> values = Weights.initial(model, 6).asMap();
        float[] x = random(N * H * W * C, 2);
        float[] actual = inference(model, Weights.of(model, identity(values, model)), x);
        double[] expected = naiveConvValid(x, values.get("conv1_kernel"), 2, 3, 2, 1, 2);
        assertClose(expected, actual, 1e-5);
    }

    @Test
    void maxPoolSameMatchesNaiveLoop() {
        ResolvedModel model = identityHead(new Layer.MaxPool(3, 3, 2, 2, Padding.SAME));
        float[] x = random(N * H * W * C, 3);
        float[] actual = inference(model, Weights.of(model, identity(Weights.initial(model, 1).asMap(), model)), x);
        assertClose(naivePool(x, 3, 3, 2, 2, true, false), actual, 0);
    }

    @Test
    void averagePoolSameAveragesOnlyRealPixels() {
        ResolvedModel model = identityHead(new Layer.AveragePool(3, 3, 2, 2, Padding.SAME));
        float[] x = random(N * H * W * C, 4);
        float[] actual = inference(model, Weights.of(model, identity(Weights.initial(model, 1).asMap(), model)), x);
        assertClose(naivePool(x, 3, 3, 2, 2, true, true), actual, 1e-6);
    }

    @Test
    void batchNormTrainsOnBatchStatisticsAndMovesTheMovingOnes() {
        double momentum = 0.9;
        double eps = 1e-3;
        ResolvedModel model = identityHead(new Layer.BatchNorm(momentum, eps));
        Map<String, float[]> values = identity(Weights.initial(model, 1).asMap(), model);
        float[] gamma = {1.5f, 0.5f};
        float[] beta = {0.1f, -0.2f};
        float[] mean0 = {0.3f, -0.4f};
        float[] var0 = {2f, 0.7f};
        values.put("bn1_gamma", gamma);
        values.put("bn1_beta", beta);
        values.put("bn1_moving_mean", mean0);
        values.put("bn1_moving_variance", var0);
        Weights weights = Weights.of(model, values);
        float[] x = random(N * H * W * C, 7);
        // double reference: per-channel batch mean and biased variance over N, H, W
        double[] m = new double[C];
        double[] v = new double[C];
        int count = N * H * W;
        for (int i = 0; i < x.length; i++) {
            m[i % C] += x[i] / count;
        }
        for (int i = 0; i < x.length; i++) {
            v[i % C] += (x[i] - m[i % C]) * (x[i] - m[i % C]) / count;
        }
        double[] train = new double[x.length];
        double[] infer = new double[x.length];
        double[] movedMean = new double[C];
        double[] movedVar = new double[C];
        for (int c = 0; c < C; c++) {
            movedMean[c] = momentum * mean0[c] + (1 - momentum) * m[c];
            movedVar[c] = momentum * var0[c] + (1 - momentum) * v[c];
        }
        for (int i = 0; i < x.length; i++) {
            int c = i % C;
            train[i] = gamma[c] * (x[i] - m[c]) / Math.sqrt(v[c] + eps) + beta[c];
            infer[i] = gamma[c] * (x[i] - movedMean[c]) / Math.sqrt(movedVar[c] + eps) + beta[c];
        }
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            var vars = NetworkGraph.createVariables(tf, model, weights);
            var images = tf.constant(Shape.of(N, H, W, C),
                    DataBuffers.of(x, true, false));
            NetworkGraph.Pass training = NetworkGraph.forward(tf, images, model, IDENTITY, vars,
                    NetworkGraph.Mode.TRAINING, tf.constant(new long[] {1, 2}));
            NetworkGraph.Pass inference = NetworkGraph.forward(tf, images, model, IDENTITY, vars,
                    NetworkGraph.Mode.INFERENCE, null);
            assertEquals(2, training.stateUpdates().size());
            assertEquals(List.of(), inference.stateUpdates());
            try (Session s = new Session(g)) {
                s.initialize();
                var runner = s.runner().fetch(training.logits());
                training.stateUpdates().forEach(runner::addTarget);
                try (Result r = runner.run()) {
                    assertClose(train, Tensors.toArray(r.get(0)), 1e-5);
                }
                try (Result r = s.runner().fetch(vars.get("bn1_moving_mean")).fetch(vars.get("bn1_moving_variance"))
                        .fetch(inference.logits()).run()) {
                    assertClose(movedMean, Tensors.toArray(r.get(0)), 1e-6);
                    assertClose(movedVar, Tensors.toArray(r.get(1)), 1e-6);
                    assertClose(infer, Tensors.toArray(r.get(2)), 1e-5);
                }
            }
        }
    }

    @Test
    void everyParameterBecomesOneVariableAndTrainingCollectsOneUpdatePerStatistic() {
        ResolvedModel model = ModelSpec.preset("minigooglenet").resolve(new ImageShape(8, 8, 1), 10);
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            var vars = NetworkGraph.createVariables(tf, model, Weights.initial(model, 1));
            assertEquals(model.params().stream().map(ResolvedModel.Param::name).toList(), new ArrayList<>(vars.keySet()));
            var images = tf.placeholder(TFloat32.class);
            List<Op> updates = NetworkGraph.forward(tf, images, model, new Normalization(new float[] {0f},
                    new float[] {1f}), vars, NetworkGraph.Mode.TRAINING, tf.constant(new long[] {1, 2})).stateUpdates();
            long states = model.params().stream().filter(p -> p.kind() == ParamKind.STATE)
                    .count();
            // minigooglenet: 1 stem conv + 2*8 inception convs + 2 downsample convs = 19 batch norms, 2 statistics each
            assertEquals(38, states);
            assertEquals(states, updates.size());
        }
    }

    /** The layer, Flatten, and a head Dense sized to the flattened output (made the identity by {@link #identity}). */
    private static ResolvedModel identityHead(Layer layer) {
        ResolvedModel probe = new ModelSpec("probe", List.of(layer, new Layer.Flatten()))
                .resolve(new ImageShape(H, W, C), 2);
        int width = (int) probe.steps().get(1).outputShape()[0];
        return new ModelSpec("probe", List.of(layer, new Layer.Flatten())).resolve(new ImageShape(H, W, C), width);
    }

    private static Map<String, float[]> identity(Map<String, float[]> values, ResolvedModel model) {
        int k = model.numClasses();
        float[] eye = new float[k * k];
        for (int i = 0; i < k; i++) {
            eye[i * k + i] = 1f;
        }
        values.put("dense1_kernel", eye);
        values.put("dense1_bias", new float[k]);
        return values;
    }

    private static float[] inference(ResolvedModel model, Weights weights, float[] x) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            var vars = NetworkGraph.createVariables(tf, model, weights);
            var images = tf.constant(Shape.of(N, H, W, C),
                    DataBuffers.of(x, true, false));
            var logits = NetworkGraph.forward(tf, images, model, IDENTITY, vars, NetworkGraph.Mode.INFERENCE, null)
                    .logits();
            try (Session s = new Session(g)) {
                s.initialize();
                try (Result r = s.runner().fetch(logits).run()) {
                    return Tensors.toArray(r.get(0));
                }
            }
        }
    }

    private static long samePadBefore(int in, int k, int s) {
        int out = (in + s - 1) / s;
        return Math.max((out - 1) * s + k - in, 0) / 2;
    }

    /** TF SAME conv: out[n,oy,ox,o] = b[o] + sum x[n, oy*s - padTop + dy, ox*s - padLeft + dx, i] * k[dy,dx,i,o]. */
    private static double[] naiveConv(float[] x, float[] k, float[] b, int kh, int kw, int s, int co) {
        int oh = (H + s - 1) / s;
        int ow = (W + s - 1) / s;
        long top = samePadBefore(H, kh, s);
        long left = samePadBefore(W, kw, s);
        double[] y = new double[N * oh * ow * co];
        for (int n = 0; n < N; n++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int o = 0; o < co; o++) {
                        double sum = b[o];
                        for (int dy = 0; dy < kh; dy++) {
                            for (int dx = 0; dx < kw; dx++) {
                                long iy = oy * s - top + dy;
                                long ix = ox * s - left + dx;
                                if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
                                    continue;
                                }
                                for (int i = 0; i < C; i++) {
                                    sum += x[(int) (((n * H + iy) * W + ix) * C + i)] * (double) k[((dy * kw + dx) * C + i) * co + o];
                                }
                            }
                        }
                        y[((n * oh + oy) * ow + ox) * co + o] = sum;
                    }
                }
            }
        }
        return y;
    }

    private static double[] naiveConvValid(float[] x, float[] k, int kh, int kw, int sh, int sw, int co) {
        int oh = (H - kh) / sh + 1;
        int ow = (W - kw) / sw + 1;
        double[] y = new double[N * oh * ow * co];
        for (int n = 0; n < N; n++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int o = 0; o < co; o++) {
                        double sum = 0;
                        for (int dy = 0; dy < kh; dy++) {
                            for (int dx = 0; dx < kw; dx++) {
                                for (int i = 0; i < C; i++) {
                                    sum += x[((n * H + oy * sh + dy) * W + ox * sw + dx) * C + i]
                                            * (double) k[((dy * kw + dx) * C + i) * co + o];
                                }
                            }
                        }
                        y[((n * oh + oy) * ow + ox) * co + o] = sum;
                    }
                }
            }
        }
        return y;
    }

    /** SAME pooling: max, or mean over the window's pixels inside the image (padding excluded). */
    private static double[] naivePool(float[] x, int kh, int kw, int sh, int sw, boolean same, boolean average) {
        int oh = (H + sh - 1) / sh;
        int ow = (W + sw - 1) / sw;
        long top = samePadBefore(H, kh, sh);
        long left = samePadBefore(W, kw, sw);
        double[] y = new double[N * oh * ow * C];
        for (int n = 0; n < N; n++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    for (int c = 0; c < C; c++) {
                        double max = Double.NEGATIVE_INFINITY;
                        double sum = 0;
                        int count = 0;
                        for (int dy = 0; dy < kh; dy++) {
                            for (int dx = 0; dx < kw; dx++) {
                                long iy = oy * sh - top + dy;
                                long ix = ox * sw - left + dx;
                                if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
                                    continue;
                                }
                                double v = x[(int) (((n * H + iy) * W + ix) * C + c)];
                                max = Math.max(max, v);
                                sum += v;
                                count++;
                            }
                        }
                        y[((n * oh + oy) * ow + ox) * C + c] = average ? sum / count : max;
                    }
                }
            }
        }
        return y;
    }

    /** Values in U(-2, 2). */
    private static float[] random(int size, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) (4 * rng.nextDouble() - 2);
        }
        return v;
    }

    private static void assertClose(double[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, "element count");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        // float32 rounding of the inputs is below 1e-6 relative; the tolerance is the float32 sum error
        assertTrue(worst <= tolerance + 1e-6, "max |expected - actual| " + worst + " > " + tolerance);
    }
}
