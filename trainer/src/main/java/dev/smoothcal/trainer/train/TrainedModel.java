package dev.smoothcal.trainer.train;

import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import java.util.List;

/**
 * The outcome of training: the model, its baked-in normalisation, the trained weights and the history.
 */
public record TrainedModel(ResolvedModel model, Normalization normalization, Weights weights,
        List<EpochRecord> history) {
    public TrainedModel {
        history = List.copyOf(history);
    }
}
