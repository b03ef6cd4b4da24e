package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.metrics.BootstrapReplicates;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Records one model's bootstrap replicates while it is evaluated, for the paired intervals of a
 * {@link Comparison}: hand it to the evaluation's listener as the consumer of each batch of predictions
 * (the model as it is), and read {@link #replicates()} afterwards. Bins, replicate count and seed are
 * the request's, so the accuracy and ECE intervals equal the report's own.
 *
 * <pre>{@code
 * BootstrapRecorder recorder = new BootstrapRecorder(request);
 * EvaluationReport report = Evaluation.run(request, new EvaluationListener() {
 *     public void predictions(int from, int count, float[] probabilities, int numClasses) {
 *         recorder.accept(from, count, probabilities, numClasses);
 *     }
 * });
 * }</pre>
 */
public final class BootstrapRecorder implements ImageClassifier.BatchConsumer {
    private final int[] labels;
    private final int bins;
    private final int replicateCount;
    private final long seed;
    private BootstrapReplicates replicates;

    /**
     * A recorder for the evaluation of {@code request}.
     *
     * @param request the evaluation whose predictions will be fed in (its data gives the labels)
     */
    public BootstrapRecorder(EvaluationRequest request) {
        this.labels = request.data().labels();
        this.bins = request.bins();
        this.replicateCount = request.bootstrapReplicates();
        this.seed = request.seed();
    }

    @Override
    public void accept(int from, int count, float[] probabilities, int numClasses) {
        if (replicateCount == 0) {
            return;
        }
        if (replicates == null) {
            replicates = new BootstrapReplicates(new MetricsConfig(numClasses, bins, List.of(1), replicateCount, seed));
        }
        replicates.accept(from, probabilities, Arrays.copyOfRange(labels, from, from + count), count);
    }

    /**
     * The replicates of every batch fed in.
     *
     * @return empty when the request's bootstrap is off or nothing was fed in
     */
    public Optional<BootstrapReplicates> replicates() {
        return Optional.ofNullable(replicates);
    }
}
