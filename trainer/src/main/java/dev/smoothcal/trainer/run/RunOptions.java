package dev.smoothcal.trainer.run;

import dev.smoothcal.core.SmoothcalException;
import java.nio.file.Path;

/**
 * How a training run is kept besides its outputs: where its data came from (recorded in run.json) and
 * where it checkpoints every epoch.
 *
 * @param origin where the training data came from, or null when the caller built the {@code Dataset}
 *     itself (run.json then has no {@code data_source})
 * @param checkpoints folder for per-epoch checkpoints, or null for none
 * @param resume what to do with a checkpoint already in {@code checkpoints}
 */
public record RunOptions(DatasetOrigin origin, Path checkpoints, Resume resume) {
    /** No recorded origin, no checkpoints. */
    public static final RunOptions DEFAULT = new RunOptions(null, null, Resume.START);

    /** What a run does with a checkpoint folder that already holds a checkpoint. */
    public enum Resume {
        /** Start at epoch 1; an earlier checkpoint in the folder is deleted once data and model are known good. */
        START,
        /**
         * Continue after the last complete checkpoint (from epoch 1 when there is none yet). The
         * checkpoint must have been written for the same architecture and the same training data;
         * {@code epochs} may be larger than before, and patience may change.
         */
        CONTINUE
    }

    /**
     * Checks the resume mode.
     *
     * @param origin where the training data came from, or null when the caller built the {@code Dataset} itself (run.json then has no {@code data_source})
     * @param checkpoints folder for per-epoch checkpoints, or null for none
     * @param resume what to do with a checkpoint already in {@code checkpoints}
     * @throws SmoothcalException when {@code resume} is missing
     */
    public RunOptions {
        if (resume == null) {
            throw SmoothcalException.invalid("resume", "must be start or continue, found none");
        }
    }

    /**
     * These options with the data's origin recorded.
     *
     * @param newOrigin where the training data came from
     * @return the changed options
     */
    public RunOptions withOrigin(DatasetOrigin newOrigin) {
        return new RunOptions(newOrigin, checkpoints, resume);
    }

    /**
     * These options with per-epoch checkpoints in {@code dir}.
     *
     * @param dir the checkpoint folder (created when needed)
     * @param mode start afresh or continue what {@code dir} holds
     * @return the changed options
     */
    public RunOptions withCheckpoints(Path dir, Resume mode) {
        return new RunOptions(origin, dir, mode);
    }
}
