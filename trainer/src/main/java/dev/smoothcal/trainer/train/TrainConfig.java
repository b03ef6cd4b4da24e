package dev.smoothcal.trainer.train;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.trainer.augment.MixConfig;
import dev.smoothcal.trainer.augment.ShiftFlipConfig;
import dev.smoothcal.trainer.optim.LearningRateSchedule;
import dev.smoothcal.trainer.optim.OptimizerConfig;

/**
 * A training run's resolved configuration; written into {@code run.json} as is.
 *
 * @param data the {@code --data} argument: {@code digits} or a path
 * @param model preset name or JSON file
 * @param epochs passes over the training data, in [1, 10000]
 * @param batchSize images per step, in [1, 65536]
 * @param optimizer update rule, base learning rate, momentum, weight decay
 * @param schedule learning-rate schedule
 * @param labelSmoothing smoothing factor and convention, applied once, in the loss
 * @param mix in-graph Mixup/CutMix of images and (unsmoothed) labels
 * @param shiftFlip in-graph random shifts and flips, applied before mixing
 * @param seed seeds weight initialisation, shuffling, the validation split and in-graph randomness
 * @param validationFraction share of the training split held out for validation, in (0, 0.5]
 * @param monitor validation metric that selects the exported (best) epoch and drives early stopping
 * @param patience stop after this many epochs without improvement of {@code monitor}; 0 = never
 * @param device where the graph runs
 */
public record TrainConfig(String data, String model, int epochs, int batchSize, OptimizerConfig optimizer,
        LearningRateSchedule schedule, LabelSmoothing labelSmoothing, MixConfig mix, ShiftFlipConfig shiftFlip, long seed, double validationFraction,
        Monitor monitor, int patience, Device device) {

    public TrainConfig {
        if (data == null || data.isBlank()) {
            throw new SmoothcalException("--data must name a dataset, found nothing");
        }
        if (model == null || model.isBlank()) {
            throw new SmoothcalException("--model must name a preset or a JSON file, found nothing");
        }
        if (epochs < 1 || epochs > 10_000) {
            throw new SmoothcalException("--epochs must be in [1, 10000], found " + epochs);
        }
        if (batchSize < 1 || batchSize > 65_536) {
            throw new SmoothcalException("--batch-size must be in [1, 65536], found " + batchSize);
        }
        if (optimizer == null || schedule == null || labelSmoothing == null || mix == null || shiftFlip == null
                || monitor == null || device == null) {
            throw new SmoothcalException("training configuration is incomplete: optimizer, schedule, label smoothing, "
                    + "mix, shift/flip, monitor and device must all be set");
        }
        if (!(validationFraction > 0.0 && validationFraction <= 0.5)) {
            throw new SmoothcalException("--validation-fraction must be in (0, 0.5], found " + validationFraction);
        }
        if (patience < 0) {
            throw new SmoothcalException("--patience must be at least 0 (0 = no early stopping), found " + patience);
        }
    }

    /** Adam at {@code lr}, constant schedule, best epoch by validation loss, no early stopping, automatic device. */
    public static TrainConfig simple(String data, String model, int epochs, int batchSize, double lr,
            LabelSmoothing smoothing, long seed) {
        return new TrainConfig(data, model, epochs, batchSize,
                new OptimizerConfig(dev.smoothcal.trainer.optim.OptimizerKind.ADAM, lr, 0.9, 0.0),
                LearningRateSchedule.CONSTANT, smoothing, MixConfig.OFF, ShiftFlipConfig.OFF, seed, 0.1, Monitor.VAL_LOSS, 0, Device.AUTO);
    }
}
