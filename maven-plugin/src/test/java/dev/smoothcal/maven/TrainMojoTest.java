package dev.smoothcal.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import dev.smoothcal.trainer.augment.FlipMode;
import dev.smoothcal.trainer.augment.MixMode;
import dev.smoothcal.trainer.optim.ScheduleKind;
import dev.smoothcal.trainer.train.Monitor;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The train goal's parameters as the library's configuration (the training itself runs in the invoker ITs). */
class TrainMojoTest {
    @Test
    void parametersLeftOutKeepTheLibraryDefaults() {
        assertEquals(TrainingConfig.defaults(), new TrainMojo().config());
    }

    @Test
    void everyParameterReachesTheBuilderSpeltAsTheCommandLineSpellsIt() {
        TrainMojo m = new TrainMojo();
        m.epochs = 3;
        m.batchSize = 32;
        m.optimizer = "sgd";
        m.learningRate = 0.05;
        m.momentum = 0.8;
        m.weightDecay = 1e-4;
        m.schedule = "cosine";
        m.warmupEpochs = 1.0;
        m.labelSmoothing = 0.2;
        m.smoothingConvention = "other-classes";
        m.mixupAlpha = 0.4;
        m.cutmixAlpha = 1.0;
        m.mixProbability = 0.5;
        m.switchProbability = 0.3;
        m.mixMode = "elem";
        m.shift = 0.1;
        m.flip = "horizontal";
        m.seed = 7L;
        m.validationFraction = 0.2;
        m.monitor = "val_ece";
        m.patience = 2;
        m.device = "cpu";
        TrainingConfig expected = TrainingConfig.builder().epochs(3).batchSize(32)
                .optimizer(dev.smoothcal.trainer.optim.OptimizerKind.SGD).learningRate(0.05).momentum(0.8)
                .weightDecay(1e-4).schedule(ScheduleKind.COSINE).warmupEpochs(1.0).labelSmoothing(0.2)
                .smoothingConvention(SmoothingConvention.OTHER_CLASSES).mixupAlpha(0.4).cutmixAlpha(1.0)
                .mixProbability(0.5).switchProbability(0.3).mixMode(MixMode.ELEM).shift(0.1).flip(FlipMode.HORIZONTAL)
                .seed(7).validationFraction(0.2).monitor(Monitor.VAL_ECE).patience(2)
                .device(dev.smoothcal.trainer.train.Device.parse("cpu")).build();
        assertEquals(expected, m.config());
    }

    @Test
    void anUnknownValueNamesItsParameterAndTheChoices() {
        TrainMojo m = new TrainMojo();
        m.optimizer = "adamw";
        SmoothcalException e = assertThrows(SmoothcalException.class, m::config);
        assertEquals(Optional.of("optimizer"), e.parameter());
        assertEquals("optimizer must be one of adam, sgd, found 'adamw'", e.getMessage());
    }

    @Test
    void anOutOfRangeValueIsRefusedByTheLibraryNamingTheParameter() {
        TrainMojo m = new TrainMojo();
        m.labelSmoothing = 1.5;
        SmoothcalException e = assertThrows(SmoothcalException.class, m::config);
        assertEquals(Optional.of("labelSmoothing"), e.parameter());
    }
}
