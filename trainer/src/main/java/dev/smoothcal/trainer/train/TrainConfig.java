package dev.smoothcal.trainer.train;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.smoothing.LabelSmoothing;

/**
 * A training run's resolved configuration; written into {@code run.json} as is.
 *
 * @param data the {@code --data} argument: {@code digits} or a path
 * @param model preset name
 * @param epochs passes over the training data, in [1, 10000]
 * @param batchSize images per step, in [1, 65536]
 * @param learningRate Adam step size, finite and in (0, 1]
 * @param labelSmoothing smoothing factor and convention
 * @param seed seeds weight initialisation, shuffling, the validation split and in-graph randomness
 * @param validationFraction share of the training split held out for validation, in (0, 0.5]
 */
public record TrainConfig(String data, String model, int epochs, int batchSize, double learningRate,
        LabelSmoothing labelSmoothing, long seed, double validationFraction) {

    public TrainConfig {
        if (data == null || data.isBlank()) {
            throw new SmoothcalException("--data must name a dataset, found nothing");
        }
        if (epochs < 1 || epochs > 10_000) {
            throw new SmoothcalException("--epochs must be in [1, 10000], found " + epochs);
        }
        if (batchSize < 1 || batchSize > 65_536) {
            throw new SmoothcalException("--batch-size must be in [1, 65536], found " + batchSize);
        }
        if (!(learningRate > 0.0 && learningRate <= 1.0)) {
            throw new SmoothcalException("--lr must be in (0, 1], found " + learningRate);
        }
        if (labelSmoothing == null) {
            throw new SmoothcalException("label smoothing must be set (0 for none)");
        }
        if (!(validationFraction > 0.0 && validationFraction <= 0.5)) {
            throw new SmoothcalException("validation fraction must be in (0, 0.5], found " + validationFraction);
        }
    }
}
