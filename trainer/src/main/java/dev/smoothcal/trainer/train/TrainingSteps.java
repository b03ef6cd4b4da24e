package dev.smoothcal.trainer.train;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageShape;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.proto.RunOptions;
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
    private final long runSeed;
    private Batch current;
    private long currentStep;
    private RunOptions options;

    /**
     * One batch of raw NHWC images and one-hot label rows, as the tensors fed. Whoever creates a batch
     * closes it, once the {@link #step} that trains it has returned (the session does not keep the fed
     * tensors: a staged batch is the augmentation's output, not the fed buffer).
     *
     * @param images {@code [size, H, W, C]}
     * @param labels {@code [size, K]}
     * @param size images in the batch, at least 1
     */
    record Batch(TFloat32 images, TFloat32 labels, int size) implements AutoCloseable {
        Batch {
            if (size < 1 || images.shape().numDimensions() != 4 || images.shape().get(0) != size
                    || labels.shape().numDimensions() != 2 || labels.shape().get(0) != size) {
                throw new SmoothcalException("a batch needs at least one image and one label row per image, found "
                        + size + " images, pixels " + images.shape() + ", labels " + labels.shape());
            }
        }

        /**
         * A batch holding copies of {@code images} and {@code labels}.
         *
         * @param images {@code size * H * W * C} values
         * @param labels {@code size * K} values
         * @param size images in the batch, at least 1
         * @param shape the shape of one image
         */
        static Batch copyOf(float[] images, float[] labels, int size, ImageShape shape) {
            if (size < 1 || images.length != size * shape.size() || labels.length % size != 0) {
                throw new SmoothcalException("a batch needs at least one image and whole rows of pixels and labels, found "
                        + size + " images, " + images.length + " pixel values, " + labels.length + " label values");
            }
            TFloat32 x = Tensors.floats(images, size, shape.height(), shape.width(), shape.channels());
            try {
                return new Batch(x, Tensors.floats(labels, size, labels.length / size), size);
            } catch (RuntimeException e) {
                x.close();
                throw e;
            }
        }

        @Override
        public void close() {
            images.close();
            labels.close();
        }
    }

    TrainingSteps(Session session, TrainingGraph graph, long runSeed) {
        this.session = session;
        this.graph = graph;
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
            Result result = options == null ? runner.run() : runner.setOptions(options).runAndFetchMetadata();
            current = next;
            currentStep++;
            return result;
        } finally {
            owned.forEach(Tensor::close);
        }
    }

    /**
     * Runs the following steps with {@code runOptions} and fetches their run metadata into each result
     * (for a per-op trace); null runs them plainly again.
     */
    void runOptions(RunOptions runOptions) {
        this.options = runOptions;
    }

    /** Feeds a batch's images and labels, and its augmentation seed when the graph augments. */
    private Session.Runner feedBatch(Session.Runner runner, Batch batch, long globalStep, List<Tensor> owned) {
        runner = runner.feed(graph.images(), batch.images()).feed(graph.labels(), batch.labels());
        if (graph.staged()) {
            TInt64 seed = TInt64.vectorOf(runSeed, globalStep);
            owned.add(seed);
            runner = runner.feed(graph.batchSeed(), seed);
        }
        return runner;
    }
}
