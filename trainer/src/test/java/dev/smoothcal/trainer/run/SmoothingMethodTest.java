package dev.smoothcal.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.trainer.augment.MixConfig;
import dev.smoothcal.trainer.loss.SmoothingMethod;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.train.EpochRecord;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebook's two smoothing methods train alike: labels smoothed before a loss with a = 0, or smoothed by
 * the loss, give the same losses epoch by epoch (float32 sums in another order: 1e-4 relative), with and
 * without Mixup (smoothing still happens once, after the mixing, which is linear).
 */
class SmoothingMethodTest {
    @Test
    void labelsAndLossGiveTheSameTraining(@TempDir Path tmp) {
        Dataset digits = DatasetSource.builtInDigits(DatasetSplit.TRAIN).slice(0, 600);
        ModelSpec mlp = ModelSpec.builder("small").flatten().dense(32).relu().build();
        for (MixConfig mix : List.of(MixConfig.OFF, MixConfig.mixup(0.4))) {
            TrainingConfig loss = TrainingConfig.builder().epochs(2).labelSmoothing(0.1).mix(mix).seed(3).build();
            TrainingConfig labels = loss.toBuilder().smoothingMethod(SmoothingMethod.LABELS).build();
            List<EpochRecord> a = TrainingRun.fit(digits, mlp, loss, tmp.resolve("loss" + mix.mixupOn())).history();
            List<EpochRecord> b = TrainingRun.fit(digits, mlp, labels, tmp.resolve("labels" + mix.mixupOn())).history();
            for (int e = 0; e < a.size(); e++) {
                assertEquals(a.get(e).trainLoss(), b.get(e).trainLoss(), 1e-4 * a.get(e).trainLoss(), "epoch " + e);
                assertEquals(a.get(e).valLoss(), b.get(e).valLoss(), 1e-4 * a.get(e).valLoss(), "epoch " + e);
            }
        }
    }
}
