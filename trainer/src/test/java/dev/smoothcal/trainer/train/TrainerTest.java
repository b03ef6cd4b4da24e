package dev.smoothcal.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.Splits;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.trainer.export.SavedModelExport;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.model.ResolvedModel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.types.TFloat32;

class TrainerTest {
    private static TrainedModel trained;
    private static Splits.TrainValidation split;

    @BeforeAll
    static void train() {
        Dataset digits = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        split = Splits.stratified(digits, 0.1, 3);
        TrainingConfig config = TrainingConfig.builder().epochs(4).batchSize(64).learningRate(1e-3).labelSmoothing(0.1).seed(3).build();
        ResolvedModel model = ModelSpec.preset("mlp").resolve(digits.shape(), digits.numClasses());
        trained = Trainer.train(config, model, split.train(), split.validation(), TrainingListener.NONE);
    }

    @Test
    void learnsDigits() {
        EpochRecord last = trained.history().get(trained.history().size() - 1);
        assertEquals(4, trained.history().size());
        assertTrue(last.valAccuracy() > 0.9, "validation accuracy " + last.valAccuracy());
        assertTrue(trained.history().get(0).trainLoss() > last.trainLoss(), "training loss must fall");
        // The smoothed loss is bounded below by the entropy of the smoothed target, so it stays above the NLL floor.
        assertTrue(last.valEce() >= 0 && last.valEce() < 0.2, "ece " + last.valEce());
    }

    @Test
    void trainingOnSplitIndicesGivesTheNumbersOfTrainingOnTheSplitsCopies() {
        Dataset digits = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        TrainingConfig config = TrainingConfig.builder().epochs(2).batchSize(64).learningRate(1e-3).labelSmoothing(0.1)
                .seed(5).build();
        Splits.TrainValidationIndices indices = Splits.stratifiedIndices(digits, 0.1, 3);
        TrainedModel copies = Trainer.train(config, trained.model(), split.train(), split.validation(),
                TrainingListener.NONE);
        TrainedModel held = Trainer.train(config, trained.model(), digits, indices, TrainingListener.NONE, null);
        assertEquals(copies.weights().fingerprint(), held.weights().fingerprint());
        assertEquals(copies.history(), held.history());
        assertEquals(copies.normalization(), held.normalization());
        assertEquals("0.2 MB as uint8", Trainer.memoryNeeded(digits));
    }

    @Test
    void sameSeedGivesIdenticalWeightsAndHistory() {
        TrainingConfig config = TrainingConfig.builder().epochs(2).batchSize(64).learningRate(1e-3).labelSmoothing(0.1).seed(11).build();
        ResolvedModel model = trained.model();
        TrainedModel a = Trainer.train(config, model, split.train(), split.validation(), TrainingListener.NONE);
        TrainedModel b = Trainer.train(config, model, split.train(), split.validation(), TrainingListener.NONE);
        assertEquals(a.weights().fingerprint(), b.weights().fingerprint());
        assertEquals(a.history(), b.history());
        TrainingConfig other = TrainingConfig.builder().epochs(2).batchSize(64).learningRate(1e-3).labelSmoothing(0.1).seed(12).build();
        TrainedModel c = Trainer.train(other, model, split.train(), split.validation(), TrainingListener.NONE);
        assertNotEquals(a.weights().fingerprint(), c.weights().fingerprint(), "another seed, other weights");
    }

    @Test
    void savedModelMatchesDoublePrecisionForward(@TempDir Path tmp) {
        Path dir = tmp.resolve("saved_model");
        SavedModelExport.export(trained, dir);
        Dataset val = split.validation();
        int n = 50;
        int k = val.numClasses();
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
                TFloat32 x = Tensors.floats(java.util.Arrays.copyOf(val.images(), n * val.shape().size()), n, 8, 8, 1);
                Result r = bundle.function(SavedModelExport.SIGNATURE_KEY).call(Map.of("images", x))) {
            Tensor logits = r.get("logits").orElseThrow();
            Tensor probabilities = r.get("probabilities").orElseThrow();
            float[] z = Tensors.toArray(logits);
            float[] p = Tensors.toArray(probabilities);
            for (int i = 0; i < n; i++) {
                float[] image = java.util.Arrays.copyOfRange(val.images(), i * 64, (i + 1) * 64);
                double[] expected = ReferenceForward.logits(trained.model(), trained.normalization(), trained.weights(),
                        image);
                double[] actual = new double[k];
                for (int j = 0; j < k; j++) {
                    actual[j] = z[i * k + j];
                }
                // float32 graph vs double reference: logits of order 10 agree to ~1e-5 relative.
                assertArrayEquals(expected, actual, 1e-3, "logits of sample " + i);
                double[] softmax = LabelSmoothing.softmax(expected);
                for (int j = 0; j < k; j++) {
                    assertEquals(softmax[j], p[i * k + j], 1e-5, "probability " + j + " of sample " + i);
                }
            }
        }
    }

    /** A non-finite batch loss stops training, as Keras' TerminateOnNaN does, with a one-line bad-input error. */
    @Test
    void aNonFiniteLossStopsTraining() {
        Trainer.requireFinite(0.5f, 1, 1);
        for (float loss : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            dev.smoothcal.core.SmoothcalException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.smoothcal.core.SmoothcalException.class, () -> Trainer.requireFinite(loss, 3, 17));
            org.junit.jupiter.api.Assertions.assertEquals(dev.smoothcal.core.SmoothcalException.Kind.BAD_INPUT, e.kind());
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("training stopped at epoch 3, step 17: "
                    + "the loss is " + loss + " (as Keras' TerminateOnNaN)"), e.getMessage());
            org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains("\n"));
        }
    }

    /** A checkpoint that cannot be written (a full disk) is one line: TensorFlow's hints on later lines are dropped. */
    @Test
    void aCheckpointFailureIsTheFirstLineOfTensorFlowsMessage() {
        org.junit.jupiter.api.Assertions.assertEquals("tmp/variables.data: No space left on device",
                CheckpointStore.firstLine(new RuntimeException("tmp/variables.data: No space left on device\n\t "
                        + "[[{{node save/SaveV2}}]]\nHint: If you want to see a list of allocated tensors when OOM "
                        + "happens, add report_tensor_allocations_upon_oom to RunOptions")));
        org.junit.jupiter.api.Assertions.assertEquals("FileSystem (x: No space left on device)",
                CheckpointStore.firstLine(new java.nio.file.FileSystemException("x", null, "No space left on device")));
    }
}
