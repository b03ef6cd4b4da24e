package dev.smoothcal.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code smoothcal demo}: train, export, evaluate and check parity on the built-in digits, in one folder. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train an MLP with label smoothing on the built-in digits, export SavedModel and ONNX, "
                + "evaluate the test split with ONNX Runtime and check TF/ONNX parity, all in one folder.")
final class DemoCommand implements Callable<Integer> {
    /** The file that tells a folder the demo wrote (and may replace) from anything else, a training run included. */
    static final String MARKER = ".smoothcal-demo";

    @Option(names = "--out", defaultValue = "smoothcal-demo", paramLabel = "DIR",
            description = "Folder for everything (replaced if it holds an earlier demo, told by its " + MARKER
                    + " file; anything else only with --overwrite). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Mixin
    TrainOptions training = new TrainOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        Runtimes.requireTensorFlow("demo");
        return TensorFlowTasks.demo(this);
    }
}
