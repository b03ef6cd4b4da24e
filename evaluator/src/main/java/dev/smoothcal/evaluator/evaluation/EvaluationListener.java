package dev.smoothcal.evaluator.evaluation;

/**
 * Hears how an {@link Evaluation} goes. Every method has a no-op default, so a listener implements only
 * what it needs; all are called on the evaluating thread, in order.
 */
public interface EvaluationListener {
    /** A listener that ignores everything. */
    EvaluationListener NONE = new EvaluationListener() {
    };

    /**
     * A phase begins (for example fitting the temperature, or evaluating).
     *
     * @param phase a short lowercase description
     * @param total the number of images the phase will run, or 0 for a phase without images to count (the
     *     temperature's search once the fit split is scored)
     */
    default void phase(String phase, int total) {
    }

    /**
     * Images done so far in the current phase, after each batch.
     *
     * @param done images run so far, at most the phase's total
     */
    default void progress(int done) {
    }

    /**
     * A note for the user, such as why CUDA was not used or that a fit stopped at the end of its bracket.
     *
     * @param note one line
     */
    default void note(String note) {
    }

    /**
     * One batch of the evaluated split, as the model is (before any temperature).
     *
     * @param from index of the batch's first image in the evaluated split
     * @param count images in the batch
     * @param probabilities row-major {@code [count, K]}
     * @param numClasses K
     */
    default void predictions(int from, int count, float[] probabilities, int numClasses) {
    }
}
