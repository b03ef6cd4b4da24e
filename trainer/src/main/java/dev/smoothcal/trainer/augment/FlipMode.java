package dev.smoothcal.trainer.augment;

/** Random flips of {@link ShiftFlip}. */
public enum FlipMode {
    /** No flips. */
    NONE,
    /** Mirror left-right with probability 1/2 per sample. */
    HORIZONTAL
}
