package dev.smoothcal.trainer.run;

import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.trainer.train.EpochRecord;
import java.util.List;

/**
 * What {@link TrainingRun#fit} returns: exactly what it wrote.
 *
 * @param manifest the content of run.json
 * @param history one record per epoch run (the rows of history.csv), resumed epochs included
 * @param bestEpoch the epoch (1-based) whose weights were exported, best by the configured monitor
 * @param files the run directory holding run.json, history.csv, saved_model/, model.onnx and plots/
 */
public record TrainingResult(RunManifest manifest, List<EpochRecord> history, int bestEpoch, RunDirectory files) {
    /**
     * Copies the history.
     *
     * @param manifest the content of run.json
     * @param history one record per epoch run (the rows of history.csv), resumed epochs included
     * @param bestEpoch the epoch (1-based) whose weights were exported, best by the configured monitor
     * @param files the run directory holding run.json, history.csv, saved_model/, model.onnx and plots/
     */
    public TrainingResult {
        history = List.copyOf(history);
    }
}
