package dev.smoothcal.trainer.train;

import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.trainer.augment.MixAugmentation;
import dev.smoothcal.trainer.augment.Mixed;
import dev.smoothcal.trainer.augment.ShiftFlip;
import dev.smoothcal.trainer.graph.NetworkGraph;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.loss.SmoothedCrossEntropy;
import dev.smoothcal.trainer.loss.SmoothingMethod;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import dev.smoothcal.trainer.optim.GraphOptimizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Stage;
import org.tensorflow.op.core.Unstage;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The training graph: placeholders for a batch of raw images {@code [N, H, W, C]}, its one-hot labels
 * {@code [N, K]} and seeds; the network's training-mode and inference-mode forward passes over shared
 * variables; the smoothed loss; the optimizer update. Everything but the placeholders is placed on the
 * configured device. The {@link Graph} belongs to the caller; {@link TrainingSteps} runs it.
 *
 * <p>Without augmentation the fed batch is trained directly. With augmentation (shifts, flips, Mixup,
 * CutMix) the fed batch is augmented with {@code batchSeed} and {@linkplain #stage() staged} in a FIFO
 * staging area, and the training pass takes the oldest staged batch. A step then stages batch
 * {@code i+1} while it trains batch {@code i}: both are in one session run, so the augmentation works in
 * parallel with the forward and backward passes instead of before them.
 *
 * @param images raw pixels of the fed batch
 * @param labels one-hot labels of the fed batch (unsmoothed: smoothing happens once, in the loss)
 * @param stepSeed {@code [runSeed, globalStep]} of the trained batch, seeding its dropout
 * @param batchSeed {@code [runSeed, globalStep]} of the fed batch, seeding its augmentation; null without
 * @param stage stages the augmented fed batch; null without augmentation
 * @param variables parameters by flat name
 * @param trainImages images of the training pass: the fed batch, or the staged augmented batch
 * @param trainLabels labels of the training pass, likewise
 * @param trainLogits logits of the training pass (on shifted, flipped and mixed images when configured)
 * @param evalLogits logits of the inference pass on the fed images (for validation)
 * @param loss mean label-smoothed cross-entropy of the training pass
 * @param optimizer the update
 */
record TrainingGraph(Placeholder<TFloat32> images, Placeholder<TFloat32> labels, Placeholder<TInt64> stepSeed,
        Placeholder<TInt64> batchSeed, Op stage, Map<String, Variable<TFloat32>> variables,
        Operand<TFloat32> trainImages, Operand<TFloat32> trainLabels, Operand<TFloat32> trainLogits,
        Operand<TFloat32> evalLogits, Operand<TFloat32> loss, GraphOptimizer optimizer) {

    /** Distinguishes the staging areas of graphs built in one process. */
    private static final AtomicLong STAGING_AREAS = new AtomicLong();

    static TrainingGraph build(Graph graph, TrainingConfig config, ResolvedModel model, Normalization norm,
            Weights initial) {
        Ops tf = Ops.create(graph);
        DeviceSpec device = config.device().spec();
        Ops placed = device == null ? tf : tf.withDevice(device);
        Shape imageShape = Shape.of(-1, model.input().height(), model.input().width(), model.input().channels());
        Shape labelShape = Shape.of(-1, model.numClasses());
        Placeholder<TFloat32> images = tf.withName("images").placeholder(TFloat32.class, Placeholder.shape(imageShape));
        Placeholder<TFloat32> labels = tf.withName("labels").placeholder(TFloat32.class,
                Placeholder.shape(labelShape));
        Placeholder<TInt64> stepSeed = tf.withName("step_seed").placeholder(TInt64.class,
                Placeholder.shape(Shape.of(2)));
        Map<String, Variable<TFloat32>> vars = NetworkGraph.createVariables(placed, model, initial);
        Operand<TFloat32> x = images;
        Operand<TFloat32> y = labels;
        Placeholder<TInt64> batchSeed = null;
        Op stage = null;
        boolean mixes = config.mix().mixupOn() || config.mix().cutmixOn();
        if (!config.shiftFlip().isIdentity() || mixes) {
            // Augmentation on raw pixels, each random stream with its own seed; staged for the next step.
            batchSeed = tf.withName("batch_seed").placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
            Operand<TFloat32> ax = images;
            Operand<TFloat32> ay = labels;
            if (!config.shiftFlip().isIdentity()) {
                ax = new ShiftFlip(config.shiftFlip()).apply(placed, ax, stream(placed, batchSeed, 2)).images();
            }
            if (mixes) {
                Mixed mixed = new MixAugmentation(config.mix()).apply(placed, ax, ay, stream(placed, batchSeed, 1));
                ax = mixed.images();
                ay = mixed.labels();
            }
            String area = "smoothcal_augmented_" + STAGING_AREAS.incrementAndGet();
            stage = placed.withName("stage_augmented").stage(List.of(ax, ay), Stage.sharedName(area));
            Unstage staged = placed.withName("unstage_augmented").unstage(List.of(TFloat32.class, TFloat32.class),
                    Unstage.sharedName(area));
            // The staging area forgets static shapes; the network and the loss need them (K in particular).
            x = placed.ensureShape(staged.values().get(0).expect(TFloat32.class), imageShape);
            y = placed.ensureShape(staged.values().get(1).expect(TFloat32.class), labelShape);
        }
        NetworkGraph.Pass trainPass = NetworkGraph.forward(placed, x, model, norm, vars,
                NetworkGraph.Mode.TRAINING, stepSeed);
        Operand<TFloat32> trainLogits = trainPass.logits();
        Operand<TFloat32> evalLogits = NetworkGraph.forward(placed, images, model, norm, vars,
                NetworkGraph.Mode.INFERENCE, null).logits();
        // Labels are smoothed here, once, whatever the mixing did to them: by the loss, or explicitly
        // before a loss with a = 0 (the same number, as cross-entropy is linear in the targets).
        SmoothedCrossEntropy smoothed = new SmoothedCrossEntropy(config.labelSmoothing());
        Operand<TFloat32> loss = config.smoothingMethod() == SmoothingMethod.LOSS
                ? smoothed.call(placed, y, trainLogits)
                : new SmoothedCrossEntropy(LabelSmoothing.uniform(0)).call(placed, smoothed.smoothLabels(placed, y),
                        trainLogits);
        // Only trainable parameters get gradients; BatchNorm's moving statistics are updated by the
        // training pass's own assign ops, run with every step.
        Map<String, Variable<TFloat32>> trainable = new LinkedHashMap<>();
        for (ResolvedModel.Param p : model.trainableParams()) {
            trainable.put(p.name(), vars.get(p.name()));
        }
        GraphOptimizer optimizer = GraphOptimizer.build(placed, config.optimizer(), loss, trainable,
                trainPass.stateUpdates());
        return new TrainingGraph(images, labels, stepSeed, batchSeed, stage, vars, x, y, trainLogits, evalLogits,
                loss, optimizer);
    }

    /** Whether fed batches are augmented and staged for the next step rather than trained directly. */
    boolean staged() {
        return stage != null;
    }

    /** The step seed of random stream {@code id}: {@code [runSeed + id * 2^32, step]}, apart from dropout's. */
    static Operand<TInt64> stream(Ops tf, Operand<TInt64> stepSeed, long id) {
        return tf.math.add(stepSeed, tf.constant(new long[] {id << 32, 0L}));
    }
}
