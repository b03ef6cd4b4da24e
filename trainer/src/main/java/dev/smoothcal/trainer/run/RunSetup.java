package dev.smoothcal.trainer.run;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a checkpointed run was started with ({@code checkpoints/config.json}): the architecture itself,
 * the data's origin and the training configuration. Resuming needs nothing else, so a run resumes after
 * the model file it was trained from is gone.
 *
 * @param format always {@link #FORMAT}
 * @param model the architecture, in the model file schema
 * @param dataOrigin where the training data came from, or null when the caller did not say
 * @param config the training configuration
 */
public record RunSetup(String format,
        @JsonSerialize(using = ModelSpecJson.Writer.class) @JsonDeserialize(using = ModelSpecJson.Reader.class)
        ModelSpec model,
        DatasetOrigin dataOrigin, TrainingConfig config) {

    /** The format written. */
    public static final String FORMAT = "smoothcal-checkpoint-config/1";
    /** File name inside the checkpoint folder. */
    public static final String FILE = "config.json";

    /**
     * Checks that model and config are present.
     *
     * @param format always {@link #FORMAT}
     * @param model the architecture, in the model file schema
     * @param dataOrigin where the training data came from, or null when the caller did not say
     * @param config the training configuration
     * @throws SmoothcalException when one is missing
     */
    public RunSetup {
        if (model == null || config == null) {
            throw new SmoothcalException("checkpoint configuration is incomplete: expected model and config, found "
                    + (model == null ? "no model" : "no config"));
        }
    }

    /**
     * The setup of a new run.
     *
     * @param model the architecture
     * @param dataOrigin where the training data came from, or null
     * @param config the training configuration
     * @return the setup
     */
    public static RunSetup of(ModelSpec model, DatasetOrigin dataOrigin, TrainingConfig config) {
        return new RunSetup(FORMAT, model, dataOrigin, config);
    }

    /**
     * Reads {@code config.json} from a checkpoint folder.
     *
     * @param checkpoints the checkpoint folder
     * @return the setup
     * @throws SmoothcalException when the file is missing or not a checkpoint configuration of this version
     */
    public static RunSetup read(Path checkpoints) {
        Path file = checkpoints.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new SmoothcalException("expected " + file + " written by an earlier training run, found none");
        }
        return VersionedJson.read(file, FORMAT, RunSetup.class);
    }

    /** Writes {@code config.json} into {@code checkpoints}. */
    void write(Path checkpoints) {
        Json.write(checkpoints.resolve(FILE), this);
    }
}
