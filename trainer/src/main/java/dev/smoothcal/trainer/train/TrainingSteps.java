package dev.smoothcal.trainer.train;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageShape;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Runs the training steps of a {@link TrainingGraph} over a sequence of batches, the one way that both
 * training and the benchmark step. {@link #start} names the first batch and its global step; each
 * {@link #step} trains the current batch and names the next one (or none, at the end of a sequence).
 *
 * <p>When the graph augments, the next batch is fed, augmented and staged in the same session run that
 * trains the current one, so its augmentation works beside the forward and backward passes instead of
 * before them; {@code start} stages the first batch in a run of its own. Each batch is augmented with
 * the seed of its own global step and the staging area is first in, first out, so the result is that of
 * augmenting and training the batches one after the other. Without augmentation each step feeds its
 * batch directly.
 *
 * <p>The staging area holds exactly the current batch between calls. Calls out of order are refused
 * here, because a training run on an empty staging area would block inside TensorFlow for good.
 */
final class TrainingSteps {
    private final Session session;
    private final TrainingGraph graph;
    private final ImageShape shape;
    private final long runSeed;
    private Batch current;
    private long currentStep;

    /**
     * One batch of raw NHWC images and one-hot label rows.
     *
     * @param images {@code size * H * W * C} values
     * @param labels {@code size * K} values
     * @param size images in the batch, at least 1
     */
    record Batch(float[] images, float[] labels, int size) {
        Batch {
            if (size < 1 || images.length % size != 0 || labels.length % size != 0) {
                throw new SmoothcalException("a batch needs at least one image and whole rows of pixels and labels, found "
                        + size + " images, " + images.length + " pixel values, " + labels.length + " label values");
            }
        }
    }

    TrainingSteps(Session session, TrainingGraph graph, ImageShape shape, long runSeed) {
        this.session = session;
        this.graph = graph;
        this.shape = shape;
        this.runSeed = runSeed;
    }

    /** Makes {@code first} the batch the next {@link #step} trains, as global step {@code globalStep}. */
    void start(Batch first, long globalStep) {
        if (current != null) {
            throw SmoothcalException.defect("a sequence of steps is under way at step " + currentStep
                    + "; step until next is null before starting another");
        }
        if (graph.staged()) {
            List<Tensor> owned = new ArrayList<>();
            try {
                feedBatch(session.runner(), first, globalStep, owned).addTarget(graph.stage()).run();
            } finally {
                owned.forEach(Tensor::close);
            }
        }
        current = first;
        currentStep = globalStep;
    }

    /**
     * Trains the current batch at learning rate {@code rate}, fetching {@code fetches}; {@code next}
     * becomes the current batch, as the following global step. The caller closes the result.
     *
     * @param next the batch after this one, or null when this is the last of the sequence
     */
    Result step(Batch next, double rate, Operand<?>... fetches) {
        if (current == null) {
            throw SmoothcalException.defect("no batch to train: call start first");
        }
        List<Tensor> owned = new ArrayList<>();
        try {
            TInt64 seed = TInt64.vectorOf(runSeed, currentStep);
            owned.add(seed);
            Session.Runner runner = session.runner().feed(graph.stepSeed(), seed);
            if (!graph.staged()) {
                runner = feedBatch(runner, current, currentStep, owned);
            } else if (next != null) {
                runner = feedBatch(runner, next, currentStep + 1, owned).addTarget(graph.stage());
            }
            runner = graph.optimizer().feed(runner, rate, currentStep, owned).addTarget(graph.optimizer().update());
            for (Operand<?> f : fetches) {
                runner = runner.fetch(f);
            }
            Result result = runner.run();
            current = next;
            currentStep++;
            return result;
        } finally {
            owned.forEach(Tensor::close);
        }
    }

    /** Feeds a batch's images and labels, and its augmentation seed when the graph augments. */
    private Session.Runner feedBatch(Session.Runner runner, Batch batch, long globalStep, List<Tensor> owned) {
        TFloat32 x = Tensors.floats(batch.images(), batch.size(), shape.height(), shape.width(), shape.channels());
        owned.add(x);
        TFloat32 y = Tensors.floats(batch.labels(), batch.size(), batch.labels().length / batch.size());
        owned.add(y);
        runner = runner.feed(graph.images(), x).feed(graph.labels(), y);
        if (graph.staged()) {
            TInt64 seed = TInt64.vectorOf(runSeed, globalStep);
            owned.add(seed);
            runner = runner.feed(graph.batchSeed(), seed);
        }
        return runner;
    }
}
