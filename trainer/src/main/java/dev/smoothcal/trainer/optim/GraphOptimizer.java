package dev.smoothcal.trainer.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.Output;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Identity;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The training update as graph ops: gradients of {@code loss + weightDecay * sum(kernel^2)} with respect
 * to the trainable variables only (BatchNorm statistics and optimizer slots are never trained), applied
 * with TF's raw {@code ApplyAdam} / {@code ApplyMomentum} kernels. The learning rate and Adam's
 * {@code beta^t} are fed per step, so schedules and resumed runs need no graph rebuild. Slots are
 * variables named {@code <param>_adam_m}, {@code <param>_adam_v} or {@code <param>_momentum}, so a
 * TF checkpoint of the session holds the whole optimizer state.
 */
public final class GraphOptimizer {
    private final OptimizerConfig config;
    private final Placeholder<TFloat32> learningRate;
    private final Placeholder<TFloat32> beta1Power;
    private final Placeholder<TFloat32> beta2Power;
    private final Operand<TFloat32> objective;
    private final Op update;

    private GraphOptimizer(OptimizerConfig config, Placeholder<TFloat32> learningRate, Placeholder<TFloat32> beta1Power,
            Placeholder<TFloat32> beta2Power, Operand<TFloat32> objective, Op update) {
        this.config = config;
        this.learningRate = learningRate;
        this.beta1Power = beta1Power;
        this.beta2Power = beta2Power;
        this.objective = objective;
        this.update = update;
    }

    /**
     * Adds the update to the graph.
     *
     * @param tf the ops of the graph being built
     * @param config the optimizer and its settings
     * @param loss the scalar training loss
     * @param trainable the variables to train, by flat name; names ending in {@code _kernel} get weight decay
     * @param alsoRun ops to run with every update (BatchNorm moving-statistics updates); may be empty
     * @return the optimizer, whose {@link #update()} runs one step once {@link #feed} has fed it
     */
    public static GraphOptimizer build(Ops tf, OptimizerConfig config, Operand<TFloat32> loss,
            Map<String, Variable<TFloat32>> trainable, List<Op> alsoRun) {
        Placeholder<TFloat32> lr = tf.withName("learning_rate").placeholder(TFloat32.class,
                Placeholder.shape(Shape.scalar()));
        Placeholder<TFloat32> b1p = tf.withName("adam_beta1_power").placeholder(TFloat32.class,
                Placeholder.shape(Shape.scalar()));
        Placeholder<TFloat32> b2p = tf.withName("adam_beta2_power").placeholder(TFloat32.class,
                Placeholder.shape(Shape.scalar()));
        Operand<TFloat32> objective = loss;
        if (config.weightDecay() > 0) {
            for (var e : trainable.entrySet()) {
                if (e.getKey().endsWith("_kernel")) {
                    Operand<TFloat32> sq = tf.reduceSum(tf.math.square(e.getValue()), allAxes(tf, e.getValue()));
                    objective = tf.math.add(objective, tf.math.mul(tf.constant((float) config.weightDecay()), sq));
                }
            }
        }
        List<Variable<TFloat32>> vars = new ArrayList<>(trainable.values());
        List<String> names = new ArrayList<>(trainable.keySet());
        // The penalty's gradient is added in closed form, d(lambda * sum(w^2))/dw = 2 * lambda * w: TF's
        // symbolic gradient of the penalty (Sum over a rank-4 kernel) crashed TF_AddGradients natively.
        Gradients grads = tf.gradients(loss, vars);
        // Variables are updated in place. Every update waits for every gradient, so no backward pass
        // reads a weight that another update has already changed (without this, ApplyAdam on layer 2
        // could run before layer 1's gradient read layer 2's kernel: a race that made runs differ).
        List<Identity<TFloat32>> gradients = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
            Operand<TFloat32> dy = grads.dy(i);
            if (config.weightDecay() > 0 && names.get(i).endsWith("_kernel")) {
                dy = tf.math.add(dy, tf.math.mul(tf.constant((float) (2 * config.weightDecay())), vars.get(i)));
            }
            gradients.add(tf.identity(dy));
        }
        Ops afterGradients = tf.withControlDependencies(new ArrayList<Op>(gradients));
        List<Op> applies = new ArrayList<>(alsoRun);
        for (int i = 0; i < vars.size(); i++) {
            Variable<TFloat32> v = vars.get(i);
            Operand<TFloat32> g = gradients.get(i);
            if (config.kind() == OptimizerKind.ADAM) {
                Variable<TFloat32> m = slot(tf, names.get(i) + "_adam_m", v);
                Variable<TFloat32> s = slot(tf, names.get(i) + "_adam_v", v);
                applies.add(afterGradients.train.applyAdam(v, m, s, b1p, b2p, lr,
                        tf.constant((float) OptimizerConfig.ADAM_BETA1), tf.constant((float) OptimizerConfig.ADAM_BETA2),
                        tf.constant((float) OptimizerConfig.ADAM_EPSILON), g));
            } else {
                Variable<TFloat32> a = slot(tf, names.get(i) + "_momentum", v);
                applies.add(afterGradients.train.applyMomentum(v, a, lr, g, tf.constant((float) config.momentum())));
            }
        }
        Op update = tf.withControlDependencies(applies).withName("train_step").noOp();
        return new GraphOptimizer(config, lr, b1p, b2p, objective, update);
    }

    private static Variable<TFloat32> slot(Ops tf, String name, Variable<TFloat32> like) {
        return tf.withName(name).variable(tf.zeros(tf.constant(like.shape().asArray()), TFloat32.class));
    }

    private static Operand<org.tensorflow.types.TInt32> allAxes(Ops tf, Operand<TFloat32> x) {
        int[] axes = new int[x.shape().numDimensions()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return tf.constant(axes);
    }

    /**
     * The op to run once per step.
     *
     * @return the update op
     */
    public Op update() {
        return update;
    }

    /**
     * The loss plus the weight-decay penalty: what the update minimises.
     *
     * @return the scalar objective
     */
    public Operand<TFloat32> objective() {
        return objective;
    }

    /**
     * Feeds the learning rate and Adam's bias corrections for step {@code step} (0-based over the run).
     * The tensors are added to {@code owned}, which the caller closes after running.
     *
     * @param runner the runner of the training step
     * @param rate the learning rate of this step
     * @param step the step, 0-based over the run
     * @param owned collects the tensors fed; the caller closes them
     * @return {@code runner}
     */
    public Session.Runner feed(Session.Runner runner, double rate, long step, List<Tensor> owned) {
        TFloat32 lr = TFloat32.scalarOf((float) rate);
        TFloat32 b1 = TFloat32.scalarOf((float) Math.pow(OptimizerConfig.ADAM_BETA1, step + 1));
        TFloat32 b2 = TFloat32.scalarOf((float) Math.pow(OptimizerConfig.ADAM_BETA2, step + 1));
        owned.add(lr);
        owned.add(b1);
        owned.add(b2);
        return runner.feed(learningRate, lr).feed(beta1Power, b1).feed(beta2Power, b2);
    }

    /**
     * The optimizer settings this update was built with.
     *
     * @return the configuration
     */
    public OptimizerConfig config() {
        return config;
    }
}
