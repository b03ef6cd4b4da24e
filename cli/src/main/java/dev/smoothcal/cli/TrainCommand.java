package dev.smoothcal.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code smoothcal train}: trains a model and writes a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a classifier with label smoothing and write a run directory "
                + "(run.json, history.csv, saved_model/, model.onnx, plots/, checkpoints/).")
final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainOptions training = new TrainOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory to write (checkpoints/ appear "
            + "in it during training).")
    Path out;

    @Option(names = "--image-size", paramLabel = "HxW", description = "Resize every image of an image folder or "
            + "archive to H rows and W columns (by --resize); recorded in run.json, so evaluate resizes the same way.")
    String imageSize;

    @Option(names = "--resize", paramLabel = "stretch|center-crop|letterbox", description = "How --image-size brings "
            + "images to its size: stretch (aspect ratio changes), center-crop (scale to cover, cut the centre) or "
            + "letterbox (scale to fit, pad with black). Default: stretch.")
    String resize;

    @Option(names = "--config", paramLabel = "FILE", description = "Recipe file (JSON, or YAML for .yaml/.yml) "
            + "holding training settings, data and model (see recipes/); flags given here override it.")
    Path config;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue an interrupted run from its last "
            + "checkpoint; --epochs may extend it, other training flags must match.")
    Path resume;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Runtimes.requireTensorFlow("train");
        return TensorFlowTasks.train(this);
    }
}
