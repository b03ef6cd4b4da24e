package dev.smoothcal.cli;

import dev.smoothcal.core.smoothing.SmoothingConvention;
import picocli.CommandLine.Option;

/**
 * Training flags shared by {@code train} and {@code demo}. Plain values only: see {@link TensorFlowTasks#config}.
 * timm's names are accepted as aliases: {@code --smoothing}, {@code --mixup-prob}, {@code --mixup-switch-prob},
 * {@code --mixup-mode}; {@code --cutmix-minmax} is timm's own name.
 */
final class TrainOptions {
    @Option(names = "--data", defaultValue = "digits", paramLabel = "DATA",
            description = "Built-in dataset name (digits) or a path (IDX/optdigits/NumPy/CIFAR-10 binary/image folder). "
                    + "Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--model", defaultValue = "mlp", description = "Model preset or JSON file. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--epochs", defaultValue = "10", description = "Passes over the training data. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Images per step. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "adam|sgd",
            description = "Update rule. Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.001", description = "Base learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum. Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", paramLabel = "LAMBDA",
            description = "L2 penalty lambda*sum(w^2) on kernels (Keras l2). Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--schedule", defaultValue = "constant", paramLabel = "constant|step|polynomial|cosine",
            description = "Learning-rate schedule, fed per step. Default: ${DEFAULT-VALUE}.")
    String schedule;

    @Option(names = "--step-every", defaultValue = "10", description = "step schedule: epochs between drops. Default: ${DEFAULT-VALUE}.")
    int stepEvery;

    @Option(names = "--step-factor", defaultValue = "0.1", description = "step schedule: factor per drop. Default: ${DEFAULT-VALUE}.")
    double stepFactor;

    @Option(names = "--poly-power", defaultValue = "1.0", description = "polynomial schedule: power. Default: ${DEFAULT-VALUE}.")
    double polyPower;

    @Option(names = "--warmup-epochs", defaultValue = "0", description = "cosine schedule: linear warm-up epochs. Default: ${DEFAULT-VALUE}.")
    double warmupEpochs;

    @Option(names = {"--label-smoothing", "--smoothing"}, defaultValue = "0.1", paramLabel = "A",
            description = "Label smoothing factor in [0, 1). Default: ${DEFAULT-VALUE}.")
    double labelSmoothing;

    @Option(names = "--smoothing-convention", defaultValue = "uniform", paramLabel = "uniform|other-classes",
            converter = ConventionConverter.class,
            description = "uniform: t = (1-a)y + a/K (Keras, PyTorch, timm); other-classes: a/(K-1) on each "
                    + "wrong class. Default: ${DEFAULT-VALUE}.")
    SmoothingConvention convention;

    @Option(names = "--smoothing-method", defaultValue = "loss", paramLabel = "loss|labels",
            description = "Where training smooths: in the loss, or the labels before a loss with a = 0 (the same "
                    + "loss). Default: ${DEFAULT-VALUE}.")
    String smoothingMethod;

    @Option(names = "--mixup", defaultValue = "0", paramLabel = "ALPHA",
            description = "Mixup: lam ~ Beta(ALPHA, ALPHA), in-graph (0 = off). Default: ${DEFAULT-VALUE}.")
    double mixup;

    @Option(names = "--cutmix", defaultValue = "0", paramLabel = "ALPHA",
            description = "CutMix: box area from lam ~ Beta(ALPHA, ALPHA), in-graph (0 = off). Default: ${DEFAULT-VALUE}.")
    double cutmix;

    @Option(names = "--cutmix-minmax", split = ",", paramLabel = "MIN,MAX",
            description = "CutMix box height and width as independent U(MIN, MAX) fractions of the image's, "
                    + "0 < MIN < MAX <= 1 (timm's cutmix_minmax; turns CutMix on; the box no longer comes from "
                    + "--cutmix's Beta). Default: unset.")
    double[] cutmixMinmax;

    @Option(names = {"--mix-prob", "--mixup-prob"}, defaultValue = "1", description = "Chance of mixing a batch (or sample) at all. Default: ${DEFAULT-VALUE}.")
    double mixProb;

    @Option(names = {"--switch-prob", "--mixup-switch-prob"}, defaultValue = "0.5",
            description = "Chance of CutMix instead of Mixup when both are on. Default: ${DEFAULT-VALUE}.")
    double switchProb;

    @Option(names = {"--mix-mode", "--mixup-mode"}, defaultValue = "batch", paramLabel = "batch|elem",
            description = "One lam per batch or per sample. Default: ${DEFAULT-VALUE}.")
    String mixMode;

    @Option(names = "--shift", defaultValue = "0", paramLabel = "FRACTION",
            description = "Random shifts up to this fraction of height and width, in-graph (0 = off). Default: ${DEFAULT-VALUE}.")
    double shift;

    @Option(names = "--flip", defaultValue = "none", paramLabel = "none|horizontal",
            description = "Random horizontal flips, in-graph. Default: ${DEFAULT-VALUE}.")
    String flip;

    @Option(names = "--normalization", defaultValue = "channel", paramLabel = "channel|mean-image",
            description = "Input normalisation fitted on the training split and baked into both graphs: per-channel "
                    + "mean and std, or the mean image subtracted pixel by pixel. Default: ${DEFAULT-VALUE}.")
    String normalization;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialisation, shuffling, the "
            + "validation split and in-graph randomness. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--validation-fraction", defaultValue = "0.1",
            description = "Share of the training split held out for validation. Default: ${DEFAULT-VALUE}.")
    double validationFraction;

    @Option(names = "--monitor", defaultValue = "val_loss", paramLabel = "val_loss|val_accuracy|val_nll|val_ece",
            description = "Validation metric choosing the exported epoch and driving early stopping. Default: ${DEFAULT-VALUE}.")
    String monitor;

    @Option(names = "--patience", defaultValue = "0",
            description = "Stop after this many epochs without improvement (0 = never). Default: ${DEFAULT-VALUE}.")
    int patience;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu[:N]",
            description = "Where the training graph runs. Default: ${DEFAULT-VALUE}.")
    String device;

    /** Parses {@code uniform} / {@code other-classes}. */
    static final class ConventionConverter implements picocli.CommandLine.ITypeConverter<SmoothingConvention> {
        @Override
        public SmoothingConvention convert(String value) {
            for (SmoothingConvention c : SmoothingConvention.values()) {
                if (c.id().equals(value)) {
                    return c;
                }
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "expected uniform or other-classes, found '" + value + "'");
        }
    }
}
