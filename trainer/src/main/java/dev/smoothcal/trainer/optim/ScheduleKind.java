package dev.smoothcal.trainer.optim;

/** Shape of the learning-rate schedule; see {@link LearningRateSchedule} for the formulas. */
public enum ScheduleKind {
    CONSTANT, STEP, POLYNOMIAL, COSINE
}
