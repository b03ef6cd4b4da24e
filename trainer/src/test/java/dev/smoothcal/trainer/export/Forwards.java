package dev.smoothcal.trainer.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.trainer.graph.NetworkGraph;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import dev.smoothcal.trainer.train.Tensors;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Test helper: the same model run as a TF inference graph and as exported ONNX in ONNX Runtime. */
final class Forwards {
    private Forwards() {
    }

    /**
     * Weights with every value random: Glorot kernels from {@link Weights#initial}, then biases and
     * beta in U(-0.5, 0.5), gamma in U(0.5, 1.5), moving mean in U(-0.5, 0.5), moving variance in
     * U(0.5, 2), so a wrong BN statistic or a dropped bias shows in the logits.
     */
    static Weights random(ResolvedModel model, long seed) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        Map<String, float[]> values = Weights.initial(model, seed).asMap();
        for (ResolvedModel.Param p : model.params()) {
            float[] v = values.get(p.name());
            ResolvedModel.Role r = p.role();
            double lo;
            double hi;
            if (r == ResolvedModel.Role.BIAS || r == ResolvedModel.Role.BETA || r == ResolvedModel.Role.MOVING_MEAN) {
                lo = -0.5;
                hi = 0.5;
            } else if (r == ResolvedModel.Role.GAMMA) {
                lo = 0.5;
                hi = 1.5;
            } else if (r == ResolvedModel.Role.MOVING_VARIANCE) {
                lo = 0.5;
                hi = 2.0;
            } else {
                continue;
            }
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
            }
        }
        return Weights.of(model, values);
    }

    /** Pixels in U(0, 255), {@code n} images of the model's input shape. */
    static float[] images(ResolvedModel model, int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * model.input().size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (255.0 * rng.nextDouble());
        }
        return x;
    }

    /** A per-channel normalisation that is not the identity. */
    static Normalization normalization(int channels) {
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = 110f + 10f * c;
            std[c] = 60f + 5f * c;
        }
        return new Normalization(mean, std);
    }

    /** A mean image {@code [H, W, C]} that differs from pixel to pixel (so a mis-broadcast shows). */
    static Normalization meanImage(ResolvedModel model) {
        var in = model.input();
        float[] mean = new float[in.size()];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = 80f + (i * 37 % 101);
        }
        float[] ones = new float[in.channels()];
        java.util.Arrays.fill(ones, 1f);
        return new Normalization(new int[] {in.height(), in.width(), in.channels()}, mean, ones);
    }

    /** TF inference-mode logits {@code [n, K]}, row-major. */
    static float[] tf(ResolvedModel model, Normalization norm, Weights weights, float[] images, int n) {
        var in = model.input();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, in.height(), in.width(), in.channels())));
            var vars = NetworkGraph.createVariables(tf, model, weights);
            var pass = NetworkGraph.forward(tf, x, model, norm, vars, NetworkGraph.Mode.INFERENCE, null);
            try (Session s = new Session(graph)) {
                s.initialize();
                try (TFloat32 xt = Tensors.floats(images, n, in.height(), in.width(), in.channels());
                        Result r = s.runner().feed(x, xt).fetch(pass.logits()).run()) {
                    return Tensors.toArray(r.get(0));
                }
            }
        }
    }

    /** An ONNX Runtime session of {@code model}: 2 intra-op threads, no spinning. */
    static OrtSession session(ModelProto model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            return OrtEnvironment.getEnvironment().createSession(OnnxModels.toBytes(model), options);
        }
    }

    /** The session's outputs by name, row-major, for {@code n} images. */
    static Map<String, float[]> ort(OrtSession session, ResolvedModel model, float[] images, int n) throws OrtException {
        var in = model.input();
        Map<String, float[]> out = new LinkedHashMap<>();
        try (OnnxTensor t = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(images),
                new long[] {n, in.height(), in.width(), in.channels()});
                OrtSession.Result r = session.run(Map.of(RunDirectory.INPUT_NAME, t))) {
            for (var e : r) {
                FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] v = new float[b.remaining()];
                b.get(v);
                out.put(e.getKey(), v);
            }
        }
        return out;
    }
}
