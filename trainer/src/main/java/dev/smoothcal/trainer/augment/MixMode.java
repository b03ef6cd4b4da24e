package dev.smoothcal.trainer.augment;

/** How many mixing draws a batch gets. */
public enum MixMode {
    /** One decision (apply or not, Mixup or CutMix), one {@code lam} and one CutMix box for the whole batch. */
    BATCH,
    /** An independent decision, {@code lam} and box for every sample. */
    ELEM
}
