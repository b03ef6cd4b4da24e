package dev.smoothcal.trainer.train;

import dev.smoothcal.trainer.model.ModelSummary;

/** Progress callbacks of a training run (for progress bars); all methods default to doing nothing. */
public interface TrainingListener {
    /** A listener that ignores every event. */
    TrainingListener NONE = new TrainingListener() {
    };

    /**
     * The model is resolved for the data, before any training: its layers, shapes and parameter counts.
     *
     * @param summary the model summary that the run also writes to {@code summary.txt}
     */
    default void modelResolved(ModelSummary summary) {
    }

    /**
     * An epoch of {@code steps} steps starts.
     *
     * @param epoch the epoch, 1-based
     * @param epochs the epoch count of the run
     * @param steps the steps of this epoch
     */
    default void epochStarted(int epoch, int epochs, int steps) {
    }

    /**
     * A step finished; {@code loss} is the running mean loss of the epoch so far.
     *
     * @param step the step within the epoch, 1-based
     * @param loss the running mean loss
     * @param imagesPerSecond training throughput of the epoch so far
     */
    default void stepFinished(int step, double loss, double imagesPerSecond) {
    }

    /**
     * An epoch finished and was validated.
     *
     * @param record the epoch's numbers
     */
    default void epochFinished(EpochRecord record) {
    }

    /**
     * A long non-epoch phase (export, validation) starts, with a short description.
     *
     * @param description what the phase does
     */
    default void phase(String description) {
    }
}
