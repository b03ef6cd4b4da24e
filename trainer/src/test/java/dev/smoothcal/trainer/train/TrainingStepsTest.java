package dev.smoothcal.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.trainer.augment.FillMode;
import dev.smoothcal.trainer.augment.FlipMode;
import dev.smoothcal.trainer.augment.MixAugmentation;
import dev.smoothcal.trainer.augment.MixConfig;
import dev.smoothcal.trainer.augment.MixMode;
import dev.smoothcal.trainer.augment.Mixed;
import dev.smoothcal.trainer.augment.ShiftFlip;
import dev.smoothcal.trainer.augment.ShiftFlipConfig;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The pipelined step (batch i+1 augmented and staged while batch i trains) must train exactly the
 * batches that augmenting each batch with its own step's seed, one after the other, gives.
 */
class TrainingStepsTest {
    private static final long RUN_SEED = 5;
    private static final Dataset DIGITS = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
    private static final ResolvedModel MLP = ModelSpec.preset("mlp").resolve(DIGITS.shape(), DIGITS.numClasses());
    private static final MixConfig MIX = new MixConfig(0.4, 1.0, 1.0, 0.5, MixMode.ELEM);
    private static final LabelSmoothing SMOOTHING = LabelSmoothing.uniform(0.1);
    private static final ShiftFlipConfig SHIFT = new ShiftFlipConfig(0.25, 0.25, FlipMode.HORIZONTAL, FillMode.ZERO);

    @Test
    void eachStepTrainsItsOwnBatchAugmentedWithItsOwnStepSeed() {
        TrainingConfig config = config(MIX, SHIFT);
        // three batches of different sizes (the last one partial, as at the end of an epoch)
        List<TrainingSteps.Batch> batches = List.of(batch(0, 16), batch(16, 16), batch(32, 5));
        long firstStep = 40;
        inSession(config, (g, session) -> {
            assertTrue(g.staged(), "augmentation on: batches are staged");
            TrainingSteps steps = new TrainingSteps(session, g, RUN_SEED);
            steps.start(batches.get(0), firstStep);
            for (int i = 0; i < batches.size(); i++) {
                TrainingSteps.Batch next = i + 1 < batches.size() ? batches.get(i + 1) : null;
                float[][] expected = augmentedAlone(batches.get(i), firstStep + i);
                try (Result r = steps.step(next, 1e-3, g.trainImages(), g.trainLabels(), g.loss())) {
                    float[] images = Tensors.toArray(r.get(0));
                    float[] labels = Tensors.toArray(r.get(1));
                    // same ops on the same inputs and seeds in another graph: equal up to float rounding
                    assertArrayEquals(expected[0], images, 1e-4f, "images trained at step " + (firstStep + i));
                    assertArrayEquals(expected[1], labels, 1e-6f, "labels trained at step " + (firstStep + i));
                    assertTrue(Float.isFinite(((TFloat32) r.get(2)).getFloat()), "finite loss");
                }
            }
            // The augmentation really changed the batch, so the comparison above could tell batches apart.
            assertFalse(Arrays.equals(Tensors.toArray(batches.get(0).images()), augmentedAlone(batches.get(0), firstStep)[0]));
            // the sequence is over and the staging area empty: a new sequence starts cleanly
            steps.start(batches.get(1), 0);
            try (Result r = steps.step(null, 1e-3, g.trainImages())) {
                assertArrayEquals(augmentedAlone(batches.get(1), 0)[0], Tensors.toArray(r.get(0)), 1e-4f);
            }
        });
    }

    @Test
    void withoutAugmentationEachStepTrainsTheFedBatch() {
        TrainingConfig config = config(MixConfig.OFF, ShiftFlipConfig.OFF);
        TrainingSteps.Batch a = batch(0, 8);
        TrainingSteps.Batch b = batch(8, 8);
        inSession(config, (g, session) -> {
            assertFalse(g.staged(), "nothing to augment: nothing staged");
            TrainingSteps steps = new TrainingSteps(session, g, RUN_SEED);
            assertSame(g.images(), g.trainImages(), "the training pass reads the fed images");
            steps.start(a, 0);
            // Each step's loss is that of its own batch under the weights before its update (no dropout in mlp).
            for (TrainingSteps.Batch[] pair : new TrainingSteps.Batch[][] {{a, b}, {b, null}}) {
                double expected = SMOOTHING.loss(logits(session, g, pair[0]), labels(pair[0]));
                try (Result r = steps.step(pair[1], 1e-2, g.loss())) {
                    assertEquals(expected, ((TFloat32) r.get(0)).getFloat(), 1e-5);
                }
            }
        });
    }

    private static double[][] logits(Session session, TrainingGraph g, TrainingSteps.Batch batch) {
        ImageShape s = DIGITS.shape();
        try (Result r = session.runner().feed(g.images(), batch.images()).fetch(g.evalLogits()).run()) {
            float[] z = Tensors.toArray(r.get(0));
            double[][] out = new double[batch.size()][10];
            for (int i = 0; i < batch.size(); i++) {
                for (int j = 0; j < 10; j++) {
                    out[i][j] = z[i * 10 + j];
                }
            }
            return out;
        }
    }

    private static int[] labels(TrainingSteps.Batch batch) {
        int[] out = new int[batch.size()];
        float[] oneHot = Tensors.toArray(batch.labels());
        for (int i = 0; i < batch.size(); i++) {
            for (int j = 0; j < 10; j++) {
                if (oneHot[i * 10 + j] == 1f) {
                    out[i] = j;
                }
            }
        }
        return out;
    }

    @Test
    void callsOutOfOrderAreRefusedBeforeTensorFlowCouldBlock() {
        inSession(config(MIX, ShiftFlipConfig.OFF), (g, session) -> {
            TrainingSteps steps = new TrainingSteps(session, g, RUN_SEED);
            SmoothcalException notStarted = assertThrows(SmoothcalException.class,
                    () -> steps.step(null, 1e-3, g.loss()));
            assertEquals("no batch to train: call start first", notStarted.getMessage());
            assertEquals(SmoothcalException.Kind.DEFECT, notStarted.kind());
            steps.start(batch(0, 4), 7);
            SmoothcalException twice = assertThrows(SmoothcalException.class,
                    () -> steps.start(batch(4, 4), 8));
            assertEquals("a sequence of steps is under way at step 7; step until next is null before starting another",
                    twice.getMessage());
            assertEquals(SmoothcalException.Kind.DEFECT, twice.kind());
            steps.step(null, 1e-3, g.loss()).close();
            assertEquals(SmoothcalException.Kind.DEFECT,
                    assertThrows(SmoothcalException.class, () -> steps.step(null, 1e-3, g.loss()), "sequence over").kind());
        });
    }

    /** Runs {@code body} with the training graph of {@code config} for the mlp and an initialised session. */
    private static void inSession(TrainingConfig config, BiConsumer<TrainingGraph, Session> body) {
        try (Graph graph = new Graph()) {
            TrainingGraph g = TrainingGraph.build(graph, config, MLP, Normalization.fit(DIGITS),
                    Weights.initial(MLP, config.seed()));
            try (Session session = new Session(graph, Trainer.sessionConfig())) {
                session.initialize();
                body.accept(g, session);
            }
        }
    }

    @Test
    void batchRejectsRowsThatDoNotDivide() {
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> TrainingSteps.Batch.copyOf(new float[10], new float[6], 3, DIGITS.shape()));
        assertEquals("a batch needs at least one image and whole rows of pixels and labels, found 3 images, "
                + "10 pixel values, 6 label values", e.getMessage());
    }

    /** The batch's images and labels after shift/flip and mixing in a graph of their own, step seed as in training. */
    private static float[][] augmentedAlone(TrainingSteps.Batch batch, long globalStep) {
        ImageShape s = DIGITS.shape();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, s.height(), s.width(), s.channels())));
            Placeholder<TFloat32> y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 10)));
            Placeholder<TInt64> seed = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
            Operand<TFloat32> shifted = new ShiftFlip(SHIFT).apply(tf, x, TrainingGraph.stream(tf, seed, 2)).images();
            Mixed mixed = new MixAugmentation(MIX).apply(tf, shifted, y, TrainingGraph.stream(tf, seed, 1));
            try (Session session = new Session(graph);
                    TInt64 st = TInt64.vectorOf(RUN_SEED, globalStep);
                    Result r = session.runner().feed(x, batch.images()).feed(y, batch.labels()).feed(seed, st).fetch(mixed.images())
                            .fetch(mixed.labels()).run()) {
                return new float[][] {Tensors.toArray(r.get(0)), Tensors.toArray(r.get(1))};
            }
        }
    }

    private static TrainingSteps.Batch batch(int from, int size) {
        int per = DIGITS.shape().size();
        float[] y = new float[size * 10];
        for (int i = 0; i < size; i++) {
            y[i * 10 + DIGITS.labels()[from + i]] = 1f;
        }
        return TrainingSteps.Batch.copyOf(Arrays.copyOfRange(DIGITS.images(), from * per, (from + size) * per), y, size,
                DIGITS.shape());
    }

    private static TrainingConfig config(MixConfig mix, ShiftFlipConfig shift) {
        return TrainingConfig.builder().epochs(1).batchSize(16).labelSmoothing(SMOOTHING).mix(mix).shiftFlip(shift)
                .seed(3).build();
    }
}
