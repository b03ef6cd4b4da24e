package dev.smoothcal.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code smoothcal interop}: TF SavedModel vs ONNX Runtime parity of a run; exits 1 on a mismatch. */
@Command(name = "interop", mixinStandardHelpOptions = true,
        description = "Check that a run's SavedModel (TensorFlow) and model.onnx (ONNX Runtime) give the same "
                + "logits, probabilities, classes and label-smoothed loss. Writes parity.json; exit code 1 on a mismatch.")
final class InteropCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory written by 'smoothcal train'.")
    Path run;

    @Option(names = "--data", defaultValue = "digits", description = "Dataset name or path. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "train|test", description = "Split. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for parity.json.")
    Path out;

    @Option(names = "--batch-sizes", split = ",", defaultValue = "1,7,256",
            description = "Batch sizes to run both paths at, comma-separated. Default: ${DEFAULT-VALUE}.")
    List<Integer> batchSizes;

    @Option(names = "--logit-atol", defaultValue = "1e-4", description = "Absolute logit tolerance. Default: ${DEFAULT-VALUE}.")
    double logitAbsolute;

    @Option(names = "--logit-rtol", defaultValue = "1e-5", description = "Relative logit tolerance. Default: ${DEFAULT-VALUE}.")
    double logitRelative;

    @Option(names = "--prob-atol", defaultValue = "1e-5", description = "Absolute probability tolerance. Default: ${DEFAULT-VALUE}.")
    double probabilityAbsolute;

    @Option(names = "--loss-rtol", defaultValue = "1e-5", description = "Relative loss tolerance. Default: ${DEFAULT-VALUE}.")
    double lossRelative;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        Runtimes.requireTensorFlow("interop");
        return TensorFlowTasks.interop(this);
    }
}
