package dev.smoothcal.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import dev.smoothcal.trainer.augment.FillMode;
import dev.smoothcal.trainer.augment.FlipMode;
import dev.smoothcal.trainer.augment.MixConfig;
import dev.smoothcal.trainer.augment.MixMode;
import dev.smoothcal.trainer.augment.ShiftFlipConfig;
import dev.smoothcal.trainer.graph.NormalizationMode;
import dev.smoothcal.trainer.optim.LearningRateSchedule;
import dev.smoothcal.trainer.optim.OptimizerConfig;
import dev.smoothcal.trainer.optim.OptimizerKind;
import dev.smoothcal.trainer.optim.ScheduleKind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {
    @Test
    void defaultsAreTheCommandLineDefaults() {
        TrainingConfig c = TrainingConfig.defaults();
        assertEquals(10, c.epochs());
        assertEquals(64, c.batchSize());
        assertEquals(new OptimizerConfig(OptimizerKind.ADAM, 1e-3, 0.9, 0.0), c.optimizer());
        assertEquals(new LearningRateSchedule(ScheduleKind.CONSTANT, 10, 0.1, 1.0, 0.0), c.schedule());
        assertEquals(LabelSmoothing.uniform(0.1), c.labelSmoothing());
        assertEquals(MixConfig.OFF, c.mix());
        assertEquals(ShiftFlipConfig.OFF, c.shiftFlip());
        assertEquals(42, c.seed());
        assertEquals(0.1, c.validationFraction());
        assertEquals(Monitor.VAL_LOSS, c.monitor());
        assertEquals(0, c.patience());
        assertEquals(Device.AUTO, c.device());
        assertEquals(NormalizationMode.CHANNEL, c.normalization());
        assertFalse(c.mix().cutmixMinmaxOn());
    }

    @Test
    void namedSettersAndToBuilderRoundTrip() {
        TrainingConfig c = TrainingConfig.builder().epochs(3).batchSize(16).optimizer(OptimizerKind.SGD)
                .learningRate(0.05).momentum(0.8).weightDecay(1e-4).schedule(ScheduleKind.COSINE).warmupEpochs(1)
                .labelSmoothing(0.2).smoothingConvention(SmoothingConvention.OTHER_CLASSES).mixupAlpha(0.2)
                .cutmixAlpha(1.0).mixProbability(0.5).switchProbability(0.3).mixMode(MixMode.ELEM).shift(0.1)
                .flip(FlipMode.HORIZONTAL).seed(7).validationFraction(0.2).monitor(Monitor.VAL_ECE).patience(2)
                .device(Device.parse("gpu:1")).cutmixMinmax(0.3, 0.9).normalization(NormalizationMode.MEAN_IMAGE).build();
        assertEquals(new MixConfig(0.2, 1.0, 0.5, 0.3, MixMode.ELEM, 0.3, 0.9), c.mix());
        assertEquals(NormalizationMode.MEAN_IMAGE, c.normalization());
        assertEquals(new ShiftFlipConfig(0.1, 0.1, FlipMode.HORIZONTAL, FillMode.ZERO), c.shiftFlip());
        assertEquals(c, c.toBuilder().build());
        assertEquals(c.hashCode(), c.toBuilder().build().hashCode());
        TrainingConfig longer = c.withEpochs(5);
        assertEquals(5, longer.epochs());
        assertNotEquals(c, longer);
        assertEquals(c, longer.withEpochs(3));
        // Height and width shifts and the fill survive toBuilder even when they differ.
        ShiftFlipConfig uneven = new ShiftFlipConfig(0.1, 0.2, FlipMode.NONE, FillMode.NEAREST);
        assertEquals(uneven, c.toBuilder().shiftFlip(uneven).build().toBuilder().build().shiftFlip());
    }

    @Test
    void invalidValuesNameTheParameter() {
        assertInvalid("epochs", "epochs must be in [1, 10000], found 0", () -> TrainingConfig.builder().epochs(0).build());
        assertInvalid("batchSize", "batchSize must be in [1, 65536], found 70000",
                () -> TrainingConfig.builder().batchSize(70_000).build());
        assertInvalid("validationFraction", "validationFraction must be in (0, 0.5], found 0.6",
                () -> TrainingConfig.builder().validationFraction(0.6).build());
        assertInvalid("patience", "patience must be at least 0 (0 = no early stopping), found -1",
                () -> TrainingConfig.builder().patience(-1).build());
        assertInvalid("monitor", "monitor must be set, found none", () -> TrainingConfig.builder().monitor(null).build());
        assertInvalid("device", "device must be set, found none", () -> TrainingConfig.builder().device(null).build());
        assertInvalid("cutmixMinmax", "cutmixMinmax must be MIN,MAX with 0 < MIN < MAX <= 1, found 0.4,0.4",
                () -> TrainingConfig.builder().cutmixMinmax(0.4, 0.4).build());
    }

    private static void assertInvalid(String parameter, String message, Runnable build) {
        SmoothcalException e = assertThrows(SmoothcalException.class, build::run);
        assertEquals(message, e.getMessage());
        assertEquals(Optional.of(parameter), e.parameter());
        assertEquals(SmoothcalException.Kind.BAD_INPUT, e.kind());
    }
}
