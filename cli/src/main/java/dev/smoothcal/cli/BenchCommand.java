package dev.smoothcal.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code smoothcal bench}: the fp32 GEMM rate, then training steps/s without augmentation, with Mixup and
 * with CutMix, each with its limit (GEMM rate over the step's arithmetic) and its share of it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the machine's fp32 GEMM rate, then training steps per second of each model with "
                + "augmentation off, Mixup and CutMix (in-graph), the cost of the augmentation relative to off, and "
                + "each rate's limit (GEMM rate / the step's arithmetic) and share of it.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "digits", description = "Dataset (train split) to take batches from. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--models", split = ",", defaultValue = "mlp", description = "Models, comma-separated. Default: ${DEFAULT-VALUE}.")
    List<String> models;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per step. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--warmup", defaultValue = "50", description = "Untimed steps of each configuration first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--steps", defaultValue = "100", description = "Timed steps per configuration and round. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--rounds", defaultValue = "9", description = "Rounds, each timing every configuration in turn; "
            + "medians are reported. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(names = "--mixup", defaultValue = "0.2", paramLabel = "ALPHA", description = "Mixup alpha of the Mixup run. Default: ${DEFAULT-VALUE}.")
    double mixup;

    @Option(names = "--cutmix", defaultValue = "1.0", paramLabel = "ALPHA", description = "CutMix alpha of the CutMix run. Default: ${DEFAULT-VALUE}.")
    double cutmix;

    @Option(names = "--gemm-size", defaultValue = "2048", paramLabel = "N", description = "n of the [n, n] x [n, n] "
            + "fp32 MatMul that measures the machine's limit, timed --rounds times before the models; each step "
            + "rate is shown as a share of that rate over the step's arithmetic. Default: ${DEFAULT-VALUE}.")
    int gemmSize;

    @Option(names = "--out", paramLabel = "FILE.json", description = "Also write the table as JSON.")
    Path out;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        Runtimes.requireTensorFlow("bench");
        return TensorFlowTasks.bench(this);
    }
}
