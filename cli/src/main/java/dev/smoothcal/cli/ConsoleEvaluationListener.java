package dev.smoothcal.cli;

import dev.smoothcal.evaluator.evaluation.EvaluationListener;
import dev.smoothcal.evaluator.inference.ImageClassifier;

/**
 * Shows an evaluation on the console: one progress bar per phase (on a terminal), notes on stderr, and
 * each batch of predictions handed on to {@code predictions} (a no-op or a {@code predictions.csv} writer).
 */
final class ConsoleEvaluationListener implements EvaluationListener, AutoCloseable {
    private final ImageClassifier.BatchConsumer predictions;
    private ConsoleProgress progress;

    ConsoleEvaluationListener(ImageClassifier.BatchConsumer predictions) {
        this.predictions = predictions;
    }

    @Override
    public void phase(String phase, int total) {
        close();
        progress = ConsoleProgress.start(phase, total);
    }

    @Override
    public void progress(int done) {
        if (progress != null) {
            progress.stepTo(done);
        }
    }

    @Override
    public void note(String note) {
        System.err.println("note: " + note);
    }

    @Override
    public void predictions(int from, int count, float[] probabilities, int numClasses) {
        predictions.accept(from, count, probabilities, numClasses);
    }

    @Override
    public void close() {
        if (progress != null) {
            progress.close();
            progress = null;
        }
    }
}
