package dev.smoothcal.trainer.loss;

/**
 * Where label smoothing is applied in training, the two methods of the Keras label-smoothing notebook. Both
 * give the same loss: cross-entropy is linear in the targets, so {@code CE((1-a)y + a/K, z)} is the same
 * number whether the targets are smoothed first or the loss smooths them.
 */
public enum SmoothingMethod {
    /** The loss smooths the (possibly mixed) labels: Keras {@code CategoricalCrossentropy(label_smoothing=a)}. */
    LOSS,
    /**
     * The labels are smoothed explicitly, {@code t = (1 - a) y + a / K} (the notebook's {@code smooth_labels}),
     * and the loss uses {@code a = 0}; with Mixup/CutMix the mixed labels are smoothed, still once.
     */
    LABELS
}
