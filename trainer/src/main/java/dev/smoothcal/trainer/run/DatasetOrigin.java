package dev.smoothcal.trainer.run;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;

/**
 * Where a run's training data came from, so that the run describes itself and can be resumed without
 * being told again: {@code location} is what {@link DatasetSource#load(String, DatasetSplit)} takes (the
 * built-in {@code digits} or a path, as given), {@code split} the part loaded. Written into run.json as
 * {@code data_source}.
 *
 * @param location a built-in dataset name or a path, non-blank
 * @param split the split trained on
 */
public record DatasetOrigin(String location, DatasetSplit split) {
    /**
     * Checks both components.
     *
     * @param location a built-in dataset name or a path, non-blank
     * @param split the split trained on
     * @throws SmoothcalException when the location is blank or the split missing
     */
    public DatasetOrigin {
        if (location == null || location.isBlank()) {
            throw SmoothcalException.invalid("data", "must name a built-in dataset (digits) or a path, found nothing");
        }
        if (split == null) {
            throw SmoothcalException.invalid("split", "must be train or test, found none");
        }
    }

    /**
     * The training split of {@code location}.
     *
     * @param location a built-in dataset name or a path
     * @return the origin
     */
    public static DatasetOrigin train(String location) {
        return new DatasetOrigin(location, DatasetSplit.TRAIN);
    }

    /**
     * Loads the data again.
     *
     * @return the dataset
     * @throws SmoothcalException when the location no longer holds a readable dataset
     */
    public Dataset load() {
        return DatasetSource.load(location, split);
    }
}
