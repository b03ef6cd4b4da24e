package dev.smoothcal.cli;

import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.metrics.MetricsConfig;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.report.ReportFiles;
import dev.smoothcal.interop.ParityReport;
import dev.smoothcal.interop.ParityTolerance;
import dev.smoothcal.trainer.run.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code smoothcal demo}: train, export, evaluate and check parity on the built-in digits, in one folder. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train an MLP with label smoothing on the built-in digits, export SavedModel and ONNX, "
                + "evaluate the test split with ONNX Runtime and check TF/ONNX parity, all in one folder.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "smoothcal-demo", paramLabel = "DIR",
            description = "Folder for everything (replaced if it holds an earlier demo). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Mixin
    TrainOptions training = new TrainOptions();

    @Override
    public Integer call() {
        Runtimes.requireTensorFlow("demo");
        var config = training.toConfig();
        // The demo's own folder is replaced freely, but never a folder the demo did not write.
        boolean earlierDemo = Files.isRegularFile(out.resolve(RunDirectory.RUN_JSON));
        try (OutputDirectory dir = OutputDirectory.open(out,
                earlierDemo ? OutputDirectory.Overwrite.REPLACE : OutputDirectory.Overwrite.REFUSE)) {
            List<String> outputs = new ArrayList<>(RunDirectory.TRAINING_OUTPUTS);
            outputs.addAll(ReportFiles.ALL);
            outputs.add(RunDirectory.PARITY_JSON);
            dir.requireNoClash(outputs);
            Path staging = dir.staging();
            System.err.println("1/3 training " + config.model() + " on " + config.data() + " (label smoothing "
                    + config.labelSmoothing().alpha() + ") ...");
            TrainingRun.execute(config, staging, new ConsoleTrainingProgress(System.err));
            System.err.println("2/3 evaluating model.onnx with ONNX Runtime on the test split ...");
            var test = DatasetSource.load(config.data(), DatasetSplit.TEST);
            EvaluationReport report = EvaluateCommand.run(new EvaluationRequest(staging.resolve(RunDirectory.MODEL_ONNX),
                    test, InferenceOptions.DEFAULTS, ExecutionProvider.AUTO, MetricsConfig.DEFAULT_BINS,
                    MetricsConfig.DEFAULT_BOOTSTRAP_REPLICATES, config.seed()), staging,
                    dir.target().resolve(RunDirectory.MODEL_ONNX).toString());
            System.err.println("3/3 checking TensorFlow / ONNX Runtime parity ...");
            ParityReport parity = InteropCommand.check(new RunDirectory(staging), test, ParityTolerance.DEFAULT, 256,
                    staging);
            dir.commit();
            System.out.println();
            System.out.printf(Locale.ROOT, "%-28s %s%n", "demo folder", dir.target());
            System.out.printf(Locale.ROOT, "%-28s %.4f%n", "test accuracy", report.accuracy());
            System.out.printf(Locale.ROOT, "%-28s %.4f%n", "test NLL", report.nll());
            System.out.printf(Locale.ROOT, "%-28s %.4f%n", "test ECE (15 bins)", report.ece());
            System.out.printf(Locale.ROOT, "%-28s %s (max |logit diff| %.2g)%n", "parity TF vs ONNX",
                    parity.passed() ? "PASSED" : "FAILED", parity.logits().maxAbsDiff());
            return parity.passed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
        }
    }
}
