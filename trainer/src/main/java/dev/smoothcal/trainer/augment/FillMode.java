package dev.smoothcal.trainer.augment;

/** What a shift puts into the pixels it uncovers. */
public enum FillMode {
    /** Zeros, like Keras {@code fill_mode="constant"} with {@code cval=0}; the background of MNIST-like data. */
    ZERO,
    /** The nearest edge pixel, like Keras {@code fill_mode="nearest"} (the reference notebook's choice). */
    NEAREST
}
