package dev.smoothcal.trainer.train;

import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import java.util.List;

/**
 * The outcome of training: the model, its baked-in normalisation, the weights of the best epoch
 * ({@code bestEpoch}, 1-based, by the configured monitor) and the history of every epoch run.
 */
public record TrainedModel(ResolvedModel model, Normalization normalization, Weights weights,
        List<EpochRecord> history, int bestEpoch) {
    /**
     * Copies the history.
     *
     * @param model the resolved model
     * @param normalization the input normalisation baked into the graph
     * @param weights the weights of the best epoch
     * @param history one record per epoch run
     * @param bestEpoch the best epoch, 1-based
     */
    public TrainedModel {
        history = List.copyOf(history);
    }
}
