package dev.smoothcal.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.Splits;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.onnx.proto.OnnxProto.TensorProto;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.graph.NormalizationMode;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.train.CheckpointStore;
import dev.smoothcal.trainer.train.TrainingConfig;
import dev.smoothcal.trainer.train.TrainingListener;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code normalization: mean-image}: the mean image baked into model.onnx (and stored in run.json and the
 * checkpoint) is the mean of the training split's images only, and resuming compares it.
 */
class MeanImageRunTest {
    private static final Dataset DIGITS = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
    private static final ModelSpec TINY = ModelSpec.parseJson("{\"name\": \"tiny\", \"layers\": [{\"type\": \"flatten\"},"
            + " {\"type\": \"dense\", \"units\": 8}, {\"type\": \"relu\"}]}");

    @TempDir
    Path tmp;

    @Test
    void bakedMeanImageIsTheTrainingSplitsMean() throws Exception {
        TrainingConfig config = TrainingConfig.builder().epochs(1).seed(3).normalization(NormalizationMode.MEAN_IMAGE)
                .build();
        Path checkpoints = tmp.resolve("checkpoints");
        RunOptions options = RunOptions.DEFAULT.withOrigin(DatasetOrigin.train("digits"))
                .withCheckpoints(checkpoints, RunOptions.Resume.START);
        TrainingResult result = TrainingRun.fit(DIGITS, TINY, config, tmp.resolve("run"), options,
                TrainingListener.NONE);

        // Independent reference: the same stratified split, each pixel's mean summed exactly (BigDecimal).
        Dataset train = Splits.stratified(DIGITS, config.validationFraction(), config.seed()).train();
        int per = train.shape().size();
        double[] expected = new double[per];
        for (int j = 0; j < per; j++) {
            BigDecimal sum = BigDecimal.ZERO;
            for (int i = 0; i < train.size(); i++) {
                sum = sum.add(new BigDecimal(train.images()[i * per + j]));
            }
            expected[j] = sum.divide(BigDecimal.valueOf(train.size()), MathContext.DECIMAL64).doubleValue();
        }
        double[] everything = new double[per];
        for (int i = 0; i < DIGITS.size(); i++) {
            for (int j = 0; j < per; j++) {
                everything[j] += DIGITS.images()[i * per + j] / (double) DIGITS.size();
            }
        }

        ModelProto onnx = OnnxModels.read(result.files().modelOnnx());
        TensorProto baked = onnx.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("norm_mean"))
                .findFirst().orElseThrow();
        assertEquals(List.of(8L, 8L, 1L), baked.getDimsList(), "a mean image [H, W, C]");
        double leak = 0;
        for (int j = 0; j < per; j++) {
            // float32 rounding of the mean of values 0..16
            assertEquals(expected[j], baked.getFloatData(j), 1e-6, "baked mean of pixel " + j);
            leak = Math.max(leak, Math.abs(everything[j] - expected[j]));
        }
        assertTrue(leak > 1e-3, "the whole data's mean differs from the training split's (by " + leak
                + "), so the test would see validation images leaking in");

        RunManifest.InputSpec input = result.manifest().input();
        assertEquals(List.of(8, 8, 1), input.meanShape());
        assertEquals(per, input.mean().size());
        assertEquals(List.of(1.0), input.std());
        assertEquals(NormalizationMode.MEAN_IMAGE, result.manifest().config().normalization());
        assertEquals(result.manifest(), Json.MAPPER.readValue(Json.toString(result.manifest()), RunManifest.class),
                "run.json reads back equal");

        Normalization stored = new CheckpointStore(checkpoints).state().orElseThrow().normalization();
        assertEquals(NormalizationMode.MEAN_IMAGE, stored.mode());
        for (int j = 0; j < per; j++) {
            assertEquals(baked.getFloatData(j), stored.mean()[j], 0f, "checkpointed mean of pixel " + j);
        }
    }

    @Test
    void resumingWithAnotherNormalisationIsRefused() {
        Path checkpoints = tmp.resolve("checkpoints");
        RunOptions start = RunOptions.DEFAULT.withOrigin(DatasetOrigin.train("digits"))
                .withCheckpoints(checkpoints, RunOptions.Resume.START);
        TrainingConfig meanImage = TrainingConfig.builder().epochs(1).normalization(NormalizationMode.MEAN_IMAGE).build();
        TrainingRun.fit(DIGITS, TINY, meanImage, tmp.resolve("a"), start, TrainingListener.NONE);
        RunOptions resume = start.withCheckpoints(checkpoints, RunOptions.Resume.CONTINUE);
        TrainingConfig channel = meanImage.toBuilder().epochs(2).normalization(NormalizationMode.CHANNEL).build();
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> TrainingRun.fit(DIGITS, TINY, channel, tmp.resolve("b"), resume, TrainingListener.NONE));
        assertEquals(java.util.Optional.of("checkpoints"), e.parameter());
        assertTrue(e.getMessage().contains("was trained with normalization mean-image, found channel"), e.getMessage());

        TrainingResult continued = TrainingRun.fit(DIGITS, TINY, meanImage.withEpochs(2), tmp.resolve("c"), resume,
                TrainingListener.NONE);
        assertEquals(2, continued.history().size());
    }
}
