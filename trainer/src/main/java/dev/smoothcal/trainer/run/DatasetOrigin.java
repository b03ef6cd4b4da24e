package dev.smoothcal.trainer.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.LoadOptions;
import dev.smoothcal.core.data.Resize;

/**
 * Where a run's training data came from, so that the run describes itself and can be resumed without
 * being told again: {@code location} is what {@link DatasetSource#load(String, DatasetSplit)} takes (the
 * built-in {@code digits} or a path, as given), {@code split} the part loaded, {@code resize} the size and
 * rule its images were brought to. Written into run.json as {@code data_source}; evaluating the run's model
 * on other image folders applies the same resize.
 *
 * @param location a built-in dataset name or a path, non-blank
 * @param split the split trained on
 * @param resize the size and rule every image was resized to, or null when images were taken as they are
 */
public record DatasetOrigin(String location, DatasetSplit split,
        @JsonInclude(JsonInclude.Include.NON_NULL) Resize resize) {
    /**
     * Checks the components.
     *
     * @param location a built-in dataset name or a path, non-blank
     * @param split the split trained on
     * @param resize the resize, or null for none
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
     * An origin whose images are taken as they are.
     *
     * @param location a built-in dataset name or a path, non-blank
     * @param split the split trained on
     */
    public DatasetOrigin(String location, DatasetSplit split) {
        this(location, split, null);
    }

    /**
     * The training split of {@code location}, images as they are.
     *
     * @param location a built-in dataset name or a path
     * @return the origin
     */
    public static DatasetOrigin train(String location) {
        return new DatasetOrigin(location, DatasetSplit.TRAIN);
    }

    /**
     * This origin with its images resized.
     *
     * @param to the size and rule, or null for none
     * @return the changed origin
     */
    public DatasetOrigin withResize(Resize to) {
        return new DatasetOrigin(location, split, to);
    }

    /**
     * The options that load this origin: the default budget, and the resize when there is one.
     *
     * @return the options
     */
    public LoadOptions loadOptions() {
        return resize == null ? LoadOptions.defaults() : LoadOptions.defaults().withResize(resize);
    }

    /**
     * Loads the data again, resized as it was.
     *
     * @return the dataset
     * @throws SmoothcalException when the location no longer holds a readable dataset
     */
    public Dataset load() {
        return DatasetSource.load(location, split, loadOptions());
    }
}
