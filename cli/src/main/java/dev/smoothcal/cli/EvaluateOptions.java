package dev.smoothcal.cli;

import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.inference.InputLayout;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.evaluator.inference.Preprocessing;
import dev.smoothcal.evaluator.inference.Spinning;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Inference and metric flags of {@code evaluate}. */
final class EvaluateOptions {
    @Option(names = "--batch-size", defaultValue = "256", description = "Images per ONNX Runtime call. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--provider", defaultValue = "auto", paramLabel = "auto|cpu|cuda",
            description = "Execution provider; auto falls back to CPU with a note. Default: ${DEFAULT-VALUE}.")
    String provider;

    @Option(names = "--bins", defaultValue = "15", description = "Bins of the calibration errors. Default: ${DEFAULT-VALUE}.")
    int bins;

    @Option(names = "--bootstrap", defaultValue = "200",
            description = "Poisson-bootstrap replicates for 95%% intervals of accuracy and ECE (0 = off). Default: ${DEFAULT-VALUE}.")
    int bootstrap;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the bootstrap. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--layout", paramLabel = "nhwc|nchw|flat", description = "Input layout (default: detected from the model).")
    String layout;

    @Option(names = "--outputs", paramLabel = "logits|probabilities",
            description = "What the model output holds (default: detected).")
    String outputKind;

    @Option(names = "--output-name", paramLabel = "NAME", description = "Output to read (default: logits if present, else the first).")
    String outputName;

    @Option(names = "--scale", defaultValue = "1", description = "Multiply raw pixels by this before --mean/--std. Default: ${DEFAULT-VALUE}.")
    double scale;

    @Option(names = "--mean", split = ",", defaultValue = "0", description = "Per-channel mean to subtract (comma-separated). Default: ${DEFAULT-VALUE}.")
    double[] mean;

    @Option(names = "--std", split = ",", defaultValue = "1", description = "Per-channel std to divide by (comma-separated). Default: ${DEFAULT-VALUE}.")
    double[] std;

    @Option(names = "--spinning", defaultValue = "off", paramLabel = "off|on",
            description = "Let ONNX Runtime's threads spin between operators: faster when the evaluation is alone on "
                    + "the machine, a core taken from other work while it runs. Default: ${DEFAULT-VALUE}.")
    String spinning;

    InferenceOptions inference() {
        return new InferenceOptions(batchSize,
                Optional.ofNullable(layout).map(v -> CliEnums.parse(InputLayout.class, "--layout", v)),
                Optional.ofNullable(outputName),
                Optional.ofNullable(outputKind).map(v -> CliEnums.parse(OutputKind.class, "--outputs", v)),
                new Preprocessing(scale, mean, std), CliEnums.parse(Spinning.class, "--spinning", spinning));
    }

    ExecutionProvider executionProvider() {
        return ExecutionProvider.parse(provider);
    }

}
