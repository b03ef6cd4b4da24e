package dev.smoothcal.trainer.graph;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.trainer.model.Layer;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.ResolvedModel.Role;
import dev.smoothcal.trainer.model.Weights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Builds a {@link ResolvedModel} as TensorFlow ops in NHWC with HWIO kernels: normalisation, the layers,
 * logits. Parameters are variables with flat names, initialised from given {@link Weights}, so initial
 * values come from the host's seeded generator and a resumed or exported graph starts from known values.
 * {@link #forward} can be called more than once on the same variables (a training pass with dropout and
 * batch statistics, and an inference pass without).
 *
 * <p>Batch norm in training is one {@code FusedBatchNormV3} over every axis but the channel axis (batch
 * mean and biased variance), with assign ops that move the moving statistics
 * ({@code moving = momentum * moving + (1 - momentum) * batch}); inference uses the moving statistics,
 * built from primitive ops. Ops are emitted in the forms TensorFlow's fast CPU kernels take: MatMul then
 * BiasAdd (Grappler's remapper fuses them, with a following Relu, into one oneDNN kernel), MaxPool with
 * its window as attributes (oneDNN's pooling and its gradient).
 */
public final class NetworkGraph {

    /** Whether training-only behaviour (dropout, batch statistics) is active. */
    public enum Mode {
        /** Dropout drops, batch norm uses and updates batch statistics. */
        TRAINING,
        /** Dropout is the identity, batch norm uses the moving statistics. */
        INFERENCE
    }

    /**
     * One forward pass.
     *
     * @param logits {@code [N, K]}
     * @param stateUpdates in TRAINING mode, one assign op per batch-norm moving statistic, to run with
     *     each training step; empty in INFERENCE mode and for models without batch norm
     */
    public record Pass(Operand<TFloat32> logits, List<Op> stateUpdates) {
        /**
         * Copies the update list.
         *
         * @param logits {@code [N, K]}
         * @param stateUpdates the moving-statistics assign ops, possibly none
         */
        public Pass {
            stateUpdates = List.copyOf(stateUpdates);
        }
    }

    private NetworkGraph() {
    }

    /**
     * One variable per parameter (trainable and state), flat-named, initialised from {@code initial},
     * in layer order.
     *
     * @param tf the ops of the graph to add the variables to
     * @param model the model whose parameters they hold
     * @param initial their initial values
     * @return flat name to variable, in layer order
     */
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
     * @param tf the ops of the graph to add the pass to
     * @param images raw pixels {@code [N, H, W, C]}
     * @param model the model to build
     * @param norm the input normalisation, applied first (per channel, or a mean image subtracted)
     * @param params the parameters by flat name: variables, or (INFERENCE mode only) constants
     * @param stepSeed {@code int64 [2]} seed of the stateless random ops of this step (dropout);
     *     unused in inference mode, where it may be null
     * @param mode whether dropout and batch statistics are active
     * @return the logits and, in TRAINING mode, the moving-statistics updates
     * @throws SmoothcalException if TRAINING mode meets a batch-norm moving statistic that is not a variable
     */
    public static Pass forward(Ops tf, Operand<TFloat32> images, ResolvedModel model, Normalization norm,
            Map<String, ? extends Operand<TFloat32>> params, Mode mode, Operand<TInt64> stepSeed) {
        Operand<TFloat32> x = normalize(tf, images, norm);
        Builder b = new Builder(tf, params, mode, stepSeed);
        x = b.sequence(model.steps(), x);
        return new Pass(x, b.updates);
    }

    /**
     * The baked-in normalisation: {@code (x - mean_c) / std_c} per channel, or {@code x - mean[h, w, c]} (a
     * constant {@code [H, W, C]} broadcast over the batch, no division) for a mean image.
     *
     * @param tf the ops of the graph
     * @param images raw pixels {@code [N, H, W, C]}
     * @param norm the normalisation
     * @return the normalised images
     */
    static Operand<TFloat32> normalize(Ops tf, Operand<TFloat32> images, Normalization norm) {
        if (norm.mode() == NormalizationMode.MEAN_IMAGE) {
            long[] shape = java.util.Arrays.stream(norm.meanShape()).asLongStream().toArray();
            return tf.math.sub(images, tf.constant(Shape.of(shape), DataBuffers.of(norm.mean(), true, false)));
        }
        return tf.math.div(tf.math.sub(images, tf.constant(norm.mean())), tf.constant(norm.std()));
    }

    /** Per-pass state: the dropout counter (distinct seeds per dropout layer) and collected updates. */
    private static final class Builder {
        private final Ops tf;
        private final Map<String, ? extends Operand<TFloat32>> params;
        private final Mode mode;
        private final Operand<TInt64> stepSeed;
        private final List<Op> updates = new ArrayList<>();
        private int dropouts;

        Builder(Ops tf, Map<String, ? extends Operand<TFloat32>> params, Mode mode, Operand<TInt64> stepSeed) {
            this.tf = tf;
            this.params = params;
            this.mode = mode;
            this.stepSeed = stepSeed;
        }

        Operand<TFloat32> sequence(List<ResolvedModel.Step> steps, Operand<TFloat32> x) {
            for (ResolvedModel.Step step : steps) {
                x = step(step, x);
            }
            return x;
        }

        private Operand<TFloat32> param(ResolvedModel.Step step, Role role) {
            String name = step.param(role).name();
            Operand<TFloat32> p = params.get(name);
            if (p == null) {
                throw new SmoothcalException("no operand for parameter " + name + "; expected one of " + params.keySet());
            }
            return p;
        }

        private Operand<TFloat32> step(ResolvedModel.Step step, Operand<TFloat32> x) {
            return step.layer().accept(new LayerOps(step, x));
        }

        /** The TensorFlow ops of each layer type for one step reading {@code x}. */
        private final class LayerOps implements Layer.Visitor<Operand<TFloat32>> {
            private final ResolvedModel.Step step;
            private final Operand<TFloat32> x;

            LayerOps(ResolvedModel.Step step, Operand<TFloat32> x) {
                this.step = step;
                this.x = x;
            }

            @Override
            public Operand<TFloat32> dense(Layer.Dense d) {
                // BiasAdd rather than a broadcasting Add: Grappler's remapper fuses MatMul + BiasAdd (+ Relu) into one
                // kernel, and the bias gradient is one BiasAddGrad instead of a reduction over broadcast axes.
                return tf.nn.biasAdd(tf.linalg.matMul(x, param(step, Role.KERNEL)), param(step, Role.BIAS));
            }

            @Override
            public Operand<TFloat32> relu(Layer.Relu r) {
                return tf.nn.relu(x);
            }

            @Override
            public Operand<TFloat32> flatten(Layer.Flatten f) {
                return tf.reshape(x, tf.constant(new long[] {-1, step.outputShape()[0]}));
            }

            @Override
            public Operand<TFloat32> dropout(Layer.Dropout d) {
                dropouts++;
                if (mode == Mode.TRAINING && d.rate() > 0.0) {
                    Operand<TInt64> seed = tf.math.add(stepSeed, tf.constant(new long[] {0L, 1_000_003L * dropouts}));
                    Operand<TFloat32> u = tf.random.statelessRandomUniform(tf.shape(x), seed, TFloat32.class);
                    Operand<TFloat32> keep = tf.dtypes.cast(
                            tf.math.greaterEqual(u, tf.constant((float) d.rate())), TFloat32.class);
                    return tf.math.mul(x, tf.math.mul(keep, tf.constant((float) (1.0 / (1.0 - d.rate())))));
                }
                return x;
            }

            @Override
            public Operand<TFloat32> conv2d(Layer.Conv2D c) {
                Operand<TFloat32> y = tf.nn.conv2d(x, param(step, Role.KERNEL),
                        List.of(1L, (long) c.strideH(), (long) c.strideW(), 1L), c.padding().name());
                return c.bias() == Layer.Bias.USE ? tf.nn.biasAdd(y, param(step, Role.BIAS)) : y;
            }

            @Override
            public Operand<TFloat32> maxPool(Layer.MaxPool m) {
                // TF's MaxPool with window and strides as attributes, not MaxPoolV2 (tf.nn.maxPool) with them as
                // tensors: oneDNN's pooling kernels replace MaxPool and its gradient; MaxPoolV2's gradient is
                // TF's own generic loop (12% of a cnn step, measured).
                OperationBuilder pool = tf.scope().opBuilder("MaxPool", "MaxPool")
                        .addInput(x.asOutput())
                        .setAttr("ksize", new long[] {1, m.poolH(), m.poolW(), 1})
                        .setAttr("strides", new long[] {1, m.strideH(), m.strideW(), 1})
                        .setAttr("padding", m.padding().name());
                return pool.build().<TFloat32>output(0);
            }

            @Override
            public Operand<TFloat32> averagePool(Layer.AveragePool a) {
                return tf.nn.avgPool(x, List.of(1L, (long) a.poolH(), (long) a.poolW(), 1L),
                        List.of(1L, (long) a.strideH(), (long) a.strideW(), 1L), a.padding().name());
            }

            @Override
            public Operand<TFloat32> globalAveragePool(Layer.GlobalAveragePool g) {
                return tf.math.mean(x, tf.constant(new int[] {1, 2}));
            }

            @Override
            public Operand<TFloat32> batchNorm(Layer.BatchNorm bn) {
                return Builder.this.batchNorm(step, bn, x);
            }

            @Override
            public Operand<TFloat32> concat(Layer.Concat c) {
                List<Operand<TFloat32>> outs = new ArrayList<>();
                for (List<ResolvedModel.Step> branch : step.branches()) {
                    outs.add(sequence(branch, x));
                }
                return tf.concat(outs, tf.constant(3));
            }

            @Override
            public Operand<TFloat32> add(Layer.Add a) {
                Operand<TFloat32> sum = null;
                for (List<ResolvedModel.Step> branch : step.branches()) {
                    Operand<TFloat32> out = sequence(branch, x);
                    sum = sum == null ? out : tf.math.add(sum, out);
                }
                return sum;
            }
        }

        private Operand<TFloat32> batchNorm(ResolvedModel.Step step, Layer.BatchNorm bn, Operand<TFloat32> x) {
            Operand<TFloat32> movingMean = param(step, Role.MOVING_MEAN);
            Operand<TFloat32> movingVar = param(step, Role.MOVING_VARIANCE);
            if (mode == Mode.TRAINING) {
                return fusedTrainingBatchNorm(step, bn, x, movingMean, movingVar);
            }
            Operand<TFloat32> scale = tf.math.mul(param(step, Role.GAMMA),
                    tf.math.rsqrt(tf.math.add(movingVar, tf.constant((float) bn.epsilon()))));
            return tf.math.add(tf.math.mul(tf.math.sub(x, movingMean), scale), param(step, Role.BETA));
        }

        /**
         * Training-mode batch norm as one {@code FusedBatchNormV3} (and its fused gradient) instead of the
         * mean, variance and normalisation built from primitives, whose forward and backward ops took over
         * half of a cnn step. The op wants NHWC, so a dense input {@code [N, C]} is viewed as
         * {@code [N, 1, 1, C]}. Its batch variance is Bessel-corrected ({@code n / (n - 1)}, n = N x H x W);
         * the moving variance moves towards the biased one, as documented, so it is scaled back by
         * {@code (n - 1) / n}.
         */
        private Operand<TFloat32> fusedTrainingBatchNorm(ResolvedModel.Step step, Layer.BatchNorm bn,
                Operand<TFloat32> x, Operand<TFloat32> movingMean, Operand<TFloat32> movingVar) {
            boolean dense = step.inputShape().length == 1;
            Operand<TFloat32> in = dense ? tf.reshape(x, tf.constant(new long[] {-1, 1, 1, step.inputShape()[0]})) : x;
            Operand<TFloat32> empty = tf.constant(new float[0]);
            FusedBatchNorm<TFloat32, TFloat32> fused = tf.nn.fusedBatchNorm(in, param(step, Role.GAMMA),
                    param(step, Role.BETA), empty, empty, FusedBatchNorm.epsilon((float) bn.epsilon()),
                    FusedBatchNorm.isTraining(true), FusedBatchNorm.dataFormat("NHWC"));
            long channels = step.inputShape()[step.inputShape().length - 1];
            Operand<TFloat32> n = tf.math.div(tf.dtypes.cast(tf.size(in), TFloat32.class), tf.constant((float) channels));
            Operand<TFloat32> biased = tf.math.mul(fused.batchVariance(),
                    tf.math.div(tf.math.sub(n, tf.constant(1f)), n));
            updates.add(moveTowards(step, Role.MOVING_MEAN, movingMean, fused.batchMean(), bn.momentum()));
            updates.add(moveTowards(step, Role.MOVING_VARIANCE, movingVar, biased, bn.momentum()));
            Operand<TFloat32> y = fused.y();
            return dense ? tf.reshape(y, tf.constant(new long[] {-1, step.inputShape()[0]})) : y;
        }

        private Op moveTowards(ResolvedModel.Step step, Role role, Operand<TFloat32> moving,
                Operand<TFloat32> batch, double momentum) {
            if (!(moving instanceof Variable)) {
                throw new SmoothcalException("training mode updates " + step.param(role).name()
                        + ", so it must be a variable, found " + moving.getClass().getSimpleName());
            }
            Operand<TFloat32> next = tf.math.add(tf.math.mul(moving, tf.constant((float) momentum)),
                    tf.math.mul(batch, tf.constant((float) (1.0 - momentum))));
            return tf.assign(moving, next);
        }
    }
}
