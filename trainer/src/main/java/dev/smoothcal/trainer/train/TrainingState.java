package dev.smoothcal.trainer.train;

import dev.smoothcal.trainer.graph.Normalization;
import java.util.List;

/**
 * The host side of a checkpoint ({@code checkpoints/state.json}); the graph side is a TF checkpoint of
 * every variable (weights, BatchNorm statistics, optimizer slots).
 *
 * @param format always {@link #FORMAT}
 * @param epochsDone completed epochs
 * @param globalStep optimizer steps taken
 * @param history one record per completed epoch
 * @param bestEpoch epoch (1-based) with the best monitored value, saved as {@code checkpoints/best}
 * @param bestValue that value
 * @param epochsWithoutImprovement for early stopping
 * @param architecture the resolved model's layer and parameter description (must match to resume)
 * @param datasetFingerprint the training data's fingerprint (must match to resume)
 * @param normalization the input normalisation fitted on the training split and baked into the graph (must
 *     match to resume); null in a state written before it was stored
 */
public record TrainingState(String format, int epochsDone, long globalStep, List<EpochRecord> history, int bestEpoch,
        double bestValue, int epochsWithoutImprovement, String architecture, String datasetFingerprint,
        Normalization normalization) {
    /** The format of {@code state.json}. */
    public static final String FORMAT = "smoothcal-checkpoint-state/1";

    /**
     * Copies the history.
     *
     * @param format always {@link #FORMAT}
     * @param epochsDone completed epochs
     * @param globalStep optimizer steps taken
     * @param history one record per completed epoch
     * @param bestEpoch epoch (1-based) with the best monitored value, saved as {@code checkpoints/best}
     * @param bestValue that value
     * @param epochsWithoutImprovement for early stopping
     * @param architecture the resolved model's layer and parameter description (must match to resume)
     * @param datasetFingerprint the training data's fingerprint (must match to resume)
     * @param normalization the input normalisation fitted on the training split and baked into the graph
     *     (must match to resume); null in a state written before it was stored
     */
    public TrainingState {
        history = List.copyOf(history);
    }
}
