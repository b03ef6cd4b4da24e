package dev.smoothcal.cli;

import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.core.run.RunManifest;
import dev.smoothcal.trainer.run.TrainingRun;
import dev.smoothcal.trainer.train.TrainConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code smoothcal train}: trains a model and writes a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a classifier with label smoothing and write a run directory "
                + "(run.json, history.csv, saved_model/, model.onnx).")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainOptions training = new TrainOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Run directory to write.")
    Path out;

    @Override
    public Integer call() {
        Runtimes.requireTensorFlow("train");
        TrainConfig config = training.toConfig();
        try (OutputDirectory dir = OutputDirectory.open(out, output.policy())) {
            dir.requireNoClash(RunDirectory.TRAINING_OUTPUTS);
            RunManifest manifest = TrainingRun.execute(config, dir.staging(), new ConsoleTrainingProgress(System.err));
            dir.commit();
            System.out.println("run written to " + dir.target());
            System.out.println("model fingerprint " + manifest.modelFingerprint());
        }
        return ExitCode.OK;
    }
}
