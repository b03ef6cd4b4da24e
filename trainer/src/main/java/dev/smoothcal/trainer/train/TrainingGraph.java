package dev.smoothcal.trainer.train;

import dev.smoothcal.trainer.augment.MixAugmentation;
import dev.smoothcal.trainer.augment.Mixed;
import dev.smoothcal.trainer.augment.ShiftFlip;
import dev.smoothcal.trainer.graph.NetworkGraph;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.loss.SmoothedCrossEntropy;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import dev.smoothcal.trainer.optim.GraphOptimizer;
import dev.smoothcal.core.data.ImageShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The training graph: placeholders for raw images {@code [N, H, W, C]}, one-hot labels {@code [N, K]}
 * and the step seed {@code int64 [2]}; the network's training-mode and inference-mode forward passes
 * over shared variables; the smoothed loss; the optimizer update. Everything but the placeholders is
 * placed on the configured device. The {@link Graph} belongs to the caller.
 *
 * @param images raw pixels fed per step
 * @param labels one-hot labels fed per step (unsmoothed: smoothing happens once, in the loss)
 * @param stepSeed {@code [runSeed, globalStep]}, seeding every stateless random op of the step
 * @param variables parameters by flat name
 * @param trainLogits logits of the training pass (on shifted, flipped and mixed images when configured)
 * @param evalLogits logits of the inference pass (for validation)
 * @param loss mean label-smoothed cross-entropy of the training pass
 * @param optimizer the update
 */
record TrainingGraph(Placeholder<TFloat32> images, Placeholder<TFloat32> labels, Placeholder<TInt64> stepSeed,
        Map<String, Variable<TFloat32>> variables, Operand<TFloat32> trainLogits, Operand<TFloat32> evalLogits,
        Operand<TFloat32> loss, GraphOptimizer optimizer) {

    static TrainingGraph build(Graph graph, TrainConfig config, ResolvedModel model, Normalization norm,
            Weights initial) {
        Ops tf = Ops.create(graph);
        DeviceSpec device = config.device().spec();
        Ops placed = device == null ? tf : tf.withDevice(device);
        Placeholder<TFloat32> images = tf.withName("images").placeholder(TFloat32.class, Placeholder.shape(
                Shape.of(-1, model.input().height(), model.input().width(), model.input().channels())));
        Placeholder<TFloat32> labels = tf.withName("labels").placeholder(TFloat32.class,
                Placeholder.shape(Shape.of(-1, model.numClasses())));
        Placeholder<TInt64> stepSeed = tf.withName("step_seed").placeholder(TInt64.class,
                Placeholder.shape(Shape.of(2)));
        Map<String, Variable<TFloat32>> vars = NetworkGraph.createVariables(placed, model, initial);
        // Augmentation on raw pixels, then the network; each random stream gets its own seed.
        Operand<TFloat32> x = images;
        Operand<TFloat32> y = labels;
        if (!config.shiftFlip().isIdentity()) {
            x = new ShiftFlip(config.shiftFlip()).apply(placed, x, stream(placed, stepSeed, 2)).images();
        }
        if (config.mix().mixupOn() || config.mix().cutmixOn()) {
            Mixed mixed = new MixAugmentation(config.mix()).apply(placed, x, y, stream(placed, stepSeed, 1));
            x = mixed.images();
            y = mixed.labels();
        }
        NetworkGraph.Pass trainPass = NetworkGraph.forward(placed, x, model, norm, vars,
                NetworkGraph.Mode.TRAINING, stepSeed);
        Operand<TFloat32> trainLogits = trainPass.logits();
        Operand<TFloat32> evalLogits = NetworkGraph.forward(placed, images, model, norm, vars,
                NetworkGraph.Mode.INFERENCE, null).logits();
        // Labels are smoothed here, once, whatever the mixing did to them.
        Operand<TFloat32> loss = new SmoothedCrossEntropy(config.labelSmoothing()).call(placed, y, trainLogits);
        // Only trainable parameters get gradients; BatchNorm's moving statistics are updated by the
        // training pass's own assign ops, run with every step.
        Map<String, Variable<TFloat32>> trainable = new LinkedHashMap<>();
        for (ResolvedModel.Param p : model.trainableParams()) {
            trainable.put(p.name(), vars.get(p.name()));
        }
        GraphOptimizer optimizer = GraphOptimizer.build(placed, config.optimizer(), loss, trainable,
                trainPass.stateUpdates());
        return new TrainingGraph(images, labels, stepSeed, vars, trainLogits, evalLogits, loss, optimizer);
    }

    /**
     * Runs one training step: feeds the batch, the step seed {@code [runSeed, globalStep]}, the learning
     * rate and Adam's corrections, runs the update, and returns the fetched values (the caller closes the
     * result; the fed tensors are closed here).
     *
     * @param images {@code size} raw images, NHWC, of {@code shape}
     * @param labels {@code size} one-hot rows of K
     */
    Result step(Session session, float[] images, float[] labels, int size, ImageShape shape, long runSeed,
            double rate, long globalStep, Operand<?>... fetches) {
        List<Tensor> owned = new ArrayList<>();
        try {
            TFloat32 x = Tensors.floats(images, size, shape.height(), shape.width(), shape.channels());
            owned.add(x);
            TFloat32 y = Tensors.floats(labels, size, labels.length / size);
            owned.add(y);
            TInt64 seed = TInt64.vectorOf(runSeed, globalStep);
            owned.add(seed);
            Session.Runner runner = session.runner().feed(images(), x).feed(labels(), y).feed(stepSeed(), seed);
            runner = optimizer.feed(runner, rate, globalStep, owned).addTarget(optimizer.update());
            for (Operand<?> f : fetches) {
                runner = runner.fetch(f);
            }
            return runner.run();
        } finally {
            owned.forEach(Tensor::close);
        }
    }

    /** The step seed of random stream {@code id}: {@code [runSeed + id * 2^32, step]}, apart from dropout's. */
    private static Operand<TInt64> stream(Ops tf, Operand<TInt64> stepSeed, long id) {
        return tf.math.add(stepSeed, tf.constant(new long[] {id << 32, 0L}));
    }
}
