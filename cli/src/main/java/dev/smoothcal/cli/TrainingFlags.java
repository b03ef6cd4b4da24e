package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The training library's parameter names and the flags that set them, so that an error naming a
 * parameter ("batchSize must be in [1, 65536], found 0") reads as the user typed it ("--batch-size ...").
 */
final class TrainingFlags {
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("data", "--data"), Map.entry("model", "--model"), Map.entry("epochs", "--epochs"),
            Map.entry("batchSize", "--batch-size"), Map.entry("optimizer", "--optimizer"),
            Map.entry("learningRate", "--lr"), Map.entry("momentum", "--momentum"),
            Map.entry("weightDecay", "--weight-decay"), Map.entry("schedule", "--schedule"),
            Map.entry("stepEvery", "--step-every"), Map.entry("stepFactor", "--step-factor"),
            Map.entry("polyPower", "--poly-power"), Map.entry("warmupEpochs", "--warmup-epochs"),
            Map.entry("labelSmoothing", "--label-smoothing"), Map.entry("smoothingConvention", "--smoothing-convention"),
            Map.entry("mixupAlpha", "--mixup"), Map.entry("cutmixAlpha", "--cutmix"),
            Map.entry("mixProbability", "--mix-prob"), Map.entry("switchProbability", "--switch-prob"),
            Map.entry("mixMode", "--mix-mode"), Map.entry("shift", "--shift"), Map.entry("flip", "--flip"),
            Map.entry("seed", "--seed"), Map.entry("validationFraction", "--validation-fraction"),
            Map.entry("monitor", "--monitor"), Map.entry("patience", "--patience"), Map.entry("device", "--device"),
            Map.entry("output", "--out"), Map.entry("overwrite", "--overwrite"));

    private TrainingFlags() {
    }

    /** Runs {@code action}, rewording an error about a training parameter to name its flag. */
    static <T> T naming(Supplier<T> action) {
        try {
            return action.get();
        } catch (SmoothcalException e) {
            String flag = e.parameter().map(FLAGS::get).orElse(null);
            if (flag == null) {
                throw e;
            }
            throw new SmoothcalException(e.messageNaming(flag), e);
        }
    }
}
