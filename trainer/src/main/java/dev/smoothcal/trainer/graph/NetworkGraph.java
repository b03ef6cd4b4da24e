package dev.smoothcal.trainer.graph;

import dev.smoothcal.trainer.model.Layer;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Builds a {@link ResolvedModel} as TensorFlow ops: normalisation, the layers, logits.
 * Parameters are variables with flat names, initialised from given {@link Weights}, so initial values
 * come from the host's seeded generator and a resumed or exported graph starts from known values.
 * {@link #forward} can be called more than once on the same variables (a training pass with dropout
 * and an inference pass without).
 */
public final class NetworkGraph {

    /** Whether training-only behaviour (dropout) is active. */
    public enum Mode {
        TRAINING, INFERENCE
    }

    private NetworkGraph() {
    }

    /** One variable per parameter, flat-named, initialised from {@code initial}, in layer order. */
    public static Map<String, Variable<TFloat32>> createVariables(Ops tf, ResolvedModel model, Weights initial) {
        Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
        for (ResolvedModel.Param p : model.params()) {
            Operand<TFloat32> init = tf.constant(Shape.of(p.shape()), DataBuffers.of(initial.get(p.name()), true, false));
            vars.put(p.name(), tf.withName(p.name()).variable(init));
        }
        return vars;
    }

    /**
     * Adds one forward pass: normalisation, then every layer.
     *
     * @param images raw pixels {@code [N, H, W, C]}
     * @param params the parameters by flat name (variables, or constants)
     * @param stepSeed {@code int64 [2]} seed of the stateless random ops of this step (dropout);
     *     unused in inference mode, where it may be null
     * @return logits {@code [N, K]}
     */
    public static Operand<TFloat32> forward(Ops tf, Operand<TFloat32> images, ResolvedModel model, Normalization norm,
            Map<String, ? extends Operand<TFloat32>> params, Mode mode, Operand<TInt64> stepSeed) {
        Operand<TFloat32> x = tf.math.div(
                tf.math.sub(images, tf.constant(norm.mean())),
                tf.constant(norm.std()));
        int dropouts = 0;
        for (ResolvedModel.Step step : model.steps()) {
            Layer layer = step.layer();
            if (layer instanceof Layer.Dense) {
                Operand<TFloat32> kernel = params.get(step.params().get(0).name());
                Operand<TFloat32> bias = params.get(step.params().get(1).name());
                x = tf.math.add(tf.linalg.matMul(x, kernel), bias);
            } else if (layer instanceof Layer.Relu) {
                x = tf.nn.relu(x);
            } else if (layer instanceof Layer.Flatten) {
                x = tf.reshape(x, tf.constant(new long[] {-1, step.outputShape()[0]}));
            } else if (layer instanceof Layer.Dropout d) {
                dropouts++;
                if (mode == Mode.TRAINING && d.rate() > 0.0) {
                    Operand<TInt64> seed = tf.math.add(stepSeed, tf.constant(new long[] {0L, 1_000_003L * dropouts}));
                    Operand<TFloat32> u = tf.random.statelessRandomUniform(tf.shape(x), seed, TFloat32.class);
                    Operand<TFloat32> keep = tf.dtypes.cast(
                            tf.math.greaterEqual(u, tf.constant((float) d.rate())), TFloat32.class);
                    x = tf.math.mul(x, tf.math.mul(keep, tf.constant((float) (1.0 / (1.0 - d.rate())))));
                }
            } else {
                throw new IllegalStateException("no TensorFlow builder for layer " + layer);
            }
        }
        return x;
    }
}
