package dev.smoothcal.cli;

import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import dev.smoothcal.trainer.train.TrainConfig;
import picocli.CommandLine.Option;

/** Training flags shared by {@code train} and {@code demo}. */
final class TrainOptions {
    @Option(names = "--data", defaultValue = "digits", paramLabel = "DATA",
            description = "Built-in dataset name (digits) or a path: a folder of IDX or optdigits files, "
                    + "or a digits .csv(.gz). Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--model", defaultValue = "mlp", description = "Model preset. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--epochs", defaultValue = "10", description = "Passes over the training data. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per step. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--label-smoothing", defaultValue = "0.1", paramLabel = "A",
            description = "Label smoothing factor in [0, 1). Default: ${DEFAULT-VALUE}.")
    double labelSmoothing;

    @Option(names = "--smoothing-convention", defaultValue = "uniform", paramLabel = "uniform|other-classes",
            converter = ConventionConverter.class,
            description = "uniform: t = (1-a)y + a/K (Keras, PyTorch, timm); other-classes: a/(K-1) on each "
                    + "wrong class. Default: ${DEFAULT-VALUE}.")
    SmoothingConvention convention;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialisation, shuffling and the "
            + "validation split. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--validation-fraction", defaultValue = "0.1",
            description = "Share of the training split held out for validation. Default: ${DEFAULT-VALUE}.")
    double validationFraction;

    TrainConfig toConfig() {
        return new TrainConfig(data, model, epochs, batchSize, learningRate,
                new LabelSmoothing(labelSmoothing, convention), seed, validationFraction);
    }

    /** Parses {@code uniform} / {@code other-classes}. */
    static final class ConventionConverter implements picocli.CommandLine.ITypeConverter<SmoothingConvention> {
        @Override
        public SmoothingConvention convert(String value) {
            for (SmoothingConvention c : SmoothingConvention.values()) {
                if (c.cliName().equals(value)) {
                    return c;
                }
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "expected uniform or other-classes, found '" + value + "'");
        }
    }
}
