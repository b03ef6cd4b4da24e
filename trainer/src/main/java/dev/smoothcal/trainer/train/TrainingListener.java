package dev.smoothcal.trainer.train;

/** Progress callbacks of a training run (for progress bars); all methods default to doing nothing. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {
    };

    /** An epoch of {@code steps} steps starts. */
    default void epochStarted(int epoch, int epochs, int steps) {
    }

    /** A step finished; {@code loss} is the running mean loss of the epoch so far. */
    default void stepFinished(int step, double loss, double imagesPerSecond) {
    }

    /** An epoch finished and was validated. */
    default void epochFinished(EpochRecord record) {
    }

    /** A long non-epoch phase (export, validation) starts, with a short description. */
    default void phase(String description) {
    }
}
