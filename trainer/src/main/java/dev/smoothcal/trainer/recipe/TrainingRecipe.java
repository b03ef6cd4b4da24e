package dev.smoothcal.trainer.recipe;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.nio.file.Path;

/**
 * A training recipe: what {@code smoothcal train --config FILE} and the library read from one JSON or YAML
 * file, the configuration of a run with, optionally, its data and model.
 *
 * <pre>{@code
 * TrainingRecipe recipe = TrainingRecipe.read(Path.of("recipes/keras-minigooglenet-cifar10.json"));
 * TrainingConfig config = recipe.config().withEpochs(1);
 * TrainingRun.fit(cifarTrain, recipe.model(), config, runDir);
 * }</pre>
 *
 * <p>The file is one object (JSON, or YAML when the name ends in {@code .yaml} or {@code .yml}) whose keys
 * are the {@link TrainingConfig.Builder} parameters in snake case, as run.json writes them: {@code epochs},
 * {@code batch_size}, {@code optimizer} ({@code adam}|{@code sgd}), {@code learning_rate}, {@code momentum},
 * {@code weight_decay}, {@code schedule} ({@code constant}|{@code step}|{@code polynomial}|{@code cosine}),
 * {@code step_every}, {@code step_factor}, {@code poly_power}, {@code warmup_epochs}, {@code label_smoothing},
 * {@code smoothing_convention} ({@code uniform}|{@code other-classes}), {@code smoothing_method} ({@code loss}|{@code labels}), {@code mixup_alpha},
 * {@code cutmix_alpha}, {@code mix_probability}, {@code switch_probability}, {@code mix_mode}
 * ({@code batch}|{@code elem}), {@code shift}, {@code flip} ({@code none}|{@code horizontal}), {@code fill}
 * ({@code zero}|{@code nearest}), {@code seed}, {@code validation_fraction}, {@code monitor}
 * ({@code val_loss}|...), {@code patience}, {@code device} ({@code auto}|{@code cpu}|{@code gpu[:N]}); and
 * {@code name}, {@code description} (free text), {@code data} (a built-in dataset name or a path, read as
 * {@code DatasetSource.load} reads it) and {@code model} (a preset name, a JSON model file, or the model
 * object itself in {@link ModelSpec#fromJson}'s schema). Every key is optional; a key left out keeps the
 * builder's default. Unknown keys and bad values are refused with the file and the key's path
 * ({@code recipe file r.json: batch_size: must be in [1, 65536], found 0}).
 *
 * @param name the recipe's name; the file name without extension when the file names none
 * @param description free text, empty when none
 * @param data the dataset the recipe names, or null when it names none
 * @param model the architecture the recipe names, or null when it names none
 * @param config the resolved configuration: the file's values over the defaults
 */
public record TrainingRecipe(String name, String description, String data, ModelSpec model, TrainingConfig config) {

    /**
     * Validates: name not blank, description and config given.
     *
     * @param name the recipe's name
     * @param description free text, possibly empty
     * @param data a dataset name or path, or null
     * @param model the architecture, or null
     * @param config the configuration
     */
    public TrainingRecipe {
        if (name == null || name.isBlank()) {
            throw new SmoothcalException("a recipe needs a non-empty name, found " + name);
        }
        if (description == null) {
            description = "";
        }
        if (config == null) {
            throw new SmoothcalException("recipe " + name + ": config must be given, found none");
        }
    }

    /**
     * Reads a recipe file (JSON, or YAML for {@code .yaml}/{@code .yml}).
     *
     * @param file the recipe file
     * @return the recipe, every value validated
     * @throws SmoothcalException naming the file and the key's path when the file cannot be read, is not
     *     a JSON/YAML object, has an unknown key or a bad value
     */
    public static TrainingRecipe read(Path file) {
        return RecipeReader.read(file);
    }

    /**
     * Parses recipe text.
     *
     * @param text the JSON or YAML text
     * @param yaml whether the text is YAML (JSON otherwise)
     * @param defaultName the name when the text names none
     * @return the recipe
     * @throws SmoothcalException naming the key's path when the text is not a valid recipe
     */
    public static TrainingRecipe parse(String text, boolean yaml, String defaultName) {
        return RecipeReader.parse(text, yaml, "recipe " + defaultName, defaultName);
    }

    /**
     * The recipe's data, or {@code fallback} when it names none.
     *
     * @param fallback the dataset to use otherwise
     * @return a dataset name or path
     */
    public String dataOr(String fallback) {
        return data != null ? data : fallback;
    }
}
