package dev.smoothcal.trainer.optim;

/** Shape of the learning-rate schedule; see {@link LearningRateSchedule} for the formulas. */
public enum ScheduleKind {
    /** The base rate throughout. */
    CONSTANT,
    /** The base rate times a factor every few epochs. */
    STEP,
    /** Polynomial decay to 0 over the epochs. */
    POLYNOMIAL,
    /** Linear warm-up, then cosine decay to 0 over the steps. */
    COSINE
}
