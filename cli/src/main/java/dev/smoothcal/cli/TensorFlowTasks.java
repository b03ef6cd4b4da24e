package dev.smoothcal.cli;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.core.run.RunManifest;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.report.ReportFiles;
import dev.smoothcal.interop.ParityCheck;
import dev.smoothcal.interop.ParityReport;
import dev.smoothcal.interop.ParityTolerance;
import dev.smoothcal.trainer.run.TrainingRun;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.trainer.augment.FillMode;
import dev.smoothcal.trainer.augment.FlipMode;
import dev.smoothcal.trainer.augment.MixConfig;
import dev.smoothcal.trainer.augment.MixMode;
import dev.smoothcal.trainer.augment.ShiftFlipConfig;
import dev.smoothcal.trainer.optim.LearningRateSchedule;
import dev.smoothcal.trainer.optim.OptimizerConfig;
import dev.smoothcal.trainer.optim.OptimizerKind;
import dev.smoothcal.trainer.optim.ScheduleKind;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.train.Device;
import dev.smoothcal.trainer.train.TrainingBenchmark;
import dev.smoothcal.trainer.train.Monitor;
import dev.smoothcal.trainer.train.TrainConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bodies of the commands that need TensorFlow ({@code train}, {@code interop}, {@code demo}).
 * They live apart from the command classes so that picocli can load every command in the
 * evaluator-only distribution, which has no TensorFlow, trainer or interop jars: this class is only
 * loaded when one of these commands runs, after {@link Runtimes#requireTensorFlow} has passed.
 */
final class TensorFlowTasks {
    private TensorFlowTasks() {
    }

    static int train(TrainCommand command) {
        Path out;
        TrainConfig config;
        OutputDirectory.Overwrite policy = command.output.policy();
        if (command.resume != null) {
            out = command.resume;
            config = resumedConfig(command);
            policy = OutputDirectory.Overwrite.REPLACE;
        } else {
            if (command.out == null) {
                throw new SmoothcalException("train needs --out DIR (a new run) or --resume DIR (continue one), found neither");
            }
            out = command.out;
            config = config(command.training);
        }
        try (OutputDirectory dir = OutputDirectory.open(out, policy)) {
            OutputOptions.requireNoClash(dir, RunDirectory.TRAINING_OUTPUTS);
            Path checkpoints = dir.target().resolve(RunDirectory.CHECKPOINTS);
            if (command.resume == null) {
                // A new run (--overwrite included) never continues from checkpoints left in the folder.
                dev.smoothcal.core.io.AtomicFiles.deleteTree(checkpoints);
            }
            RunManifest manifest = TrainingRun.execute(config, dir.staging(), checkpoints,
                    new ConsoleTrainingProgress(System.err));
            dir.commit();
            System.out.println("run written to " + dir.target());
            System.out.println("model fingerprint " + manifest.modelFingerprint());
        }
        return ExitCode.OK;
    }

    static int interop(InteropCommand c) {
        ParityTolerance tolerance = new ParityTolerance(c.logitAbsolute, c.logitRelative, c.probabilityAbsolute,
                c.lossRelative);
        RunDirectory runDir = RunDirectory.open(c.run);
        Dataset dataset = DatasetSource.load(c.data, DatasetSplit.parse(c.split));
        try (OutputDirectory dir = OutputDirectory.open(c.out, c.output.policy())) {
            OutputOptions.requireNoClash(dir, List.of(RunDirectory.PARITY_JSON));
            ParityReport report = checkParity(runDir, dataset, tolerance, c.batchSizes, dir.staging());
            dir.commit();
            return report.passed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
        }
    }

    static int demo(DemoCommand c) {
        TrainConfig config = config(c.training);
        // The demo's own folder is replaced freely, but never a folder the demo did not write.
        boolean earlierDemo = Files.isRegularFile(c.out.resolve(RunDirectory.RUN_JSON));
        try (OutputDirectory dir = OutputDirectory.open(c.out,
                earlierDemo ? OutputDirectory.Overwrite.REPLACE : OutputDirectory.Overwrite.REFUSE)) {
            List<String> outputs = new ArrayList<>(RunDirectory.TRAINING_OUTPUTS);
            outputs.addAll(ReportFiles.ALL);
            outputs.add(RunDirectory.PARITY_JSON);
            OutputOptions.requireNoClash(dir, outputs);
            Path staging = dir.staging();
            System.err.println("1/3 training " + config.model() + " on " + config.data() + " (label smoothing "
                    + config.labelSmoothing().alpha() + ") ...");
            TrainingRun.execute(config, staging, new ConsoleTrainingProgress(System.err));
            System.err.println("2/3 evaluating model.onnx with ONNX Runtime on the test split ...");
            Dataset test = DatasetSource.load(config.data(), DatasetSplit.TEST);
            EvaluationReport report = EvaluateCommand.run(
                    EvaluationRequest.of(staging.resolve(RunDirectory.MODEL_ONNX), test).withSeed(config.seed()), staging,
                    dir.target().resolve(RunDirectory.MODEL_ONNX).toString());
            System.err.println("3/3 checking TensorFlow / ONNX Runtime parity ...");
            ParityReport parity = checkParity(new RunDirectory(staging), test, ParityTolerance.DEFAULT,
                    ParityCheck.DEFAULT_BATCH_SIZES, staging);
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

    /** One row of the benchmark table. */
    record BenchRow(String model, String augmentation, double stepsPerSecond, double imagesPerSecond,
            double costPercent, double[] rounds) {
    }

    static int bench(BenchCommand c) {
        Dataset data = DatasetSource.load(c.data, DatasetSplit.TRAIN);
        List<BenchRow> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-14s %-14s %10s %10s %10s%n", "model", "augmentation", "steps/s", "images/s",
                "cost");
        for (String modelName : c.models) {
            var model = ModelSpec.load(modelName).resolve(data.shape(), data.numClasses());
            List<MixConfig> mixes = List.of(MixConfig.OFF, MixConfig.mixup(c.mixup), MixConfig.cutmix(c.cutmix));
            List<TrainConfig> configs = new ArrayList<>();
            for (MixConfig mix : mixes) {
                configs.add(new TrainConfig(c.data, modelName, 1, c.batchSize,
                        new OptimizerConfig(OptimizerKind.ADAM, 1e-3, 0.9, 0), LearningRateSchedule.CONSTANT,
                        LabelSmoothing.uniform(0.1), mix, ShiftFlipConfig.OFF, 42, 0.1, Monitor.VAL_LOSS, 0,
                        Device.AUTO));
            }
            List<TrainingBenchmark.Measurement> measured = TrainingBenchmark.compare(configs, model, data, c.warmup,
                    c.steps, c.rounds);
            for (TrainingBenchmark.Measurement m : measured) {
                MixConfig mix = m.config().mix();
                String name = mix.mixupOn() ? "mixup " + c.mixup : mix.cutmixOn() ? "cutmix " + c.cutmix : "off";
                BenchRow row = new BenchRow(modelName, name, m.stepsPerSecond(), m.stepsPerSecond() * c.batchSize,
                        m.costPercent(), m.roundsStepsPerSecond());
                rows.add(row);
                System.out.printf(Locale.ROOT, "%-14s %-14s %10.1f %10.0f %9.1f%%%n", row.model(), row.augmentation(),
                        row.stepsPerSecond(), row.imagesPerSecond(), row.costPercent());
            }
        }
        if (c.out != null) {
            Json.write(c.out, rows);
        }
        return ExitCode.OK;
    }

    static TrainConfig config(TrainOptions o) {
        OptimizerConfig optimizer = new OptimizerConfig(CliEnums.parse(OptimizerKind.class, "--optimizer", o.optimizer),
                o.learningRate, o.momentum, o.weightDecay);
        LearningRateSchedule schedule = new LearningRateSchedule(CliEnums.parse(ScheduleKind.class, "--schedule",
                o.schedule), o.stepEvery, o.stepFactor, o.polyPower, o.warmupEpochs);
        MixConfig mix = new MixConfig(o.mixup, o.cutmix, o.mixProb, o.switchProb,
                CliEnums.parse(MixMode.class, "--mix-mode", o.mixMode));
        ShiftFlipConfig shiftFlip = new ShiftFlipConfig(o.shift, o.shift,
                CliEnums.parse(FlipMode.class, "--flip", o.flip), FillMode.ZERO);
        return new TrainConfig(o.data, o.model, o.epochs, o.batchSize, optimizer, schedule,
                new LabelSmoothing(o.labelSmoothing, o.convention), mix, shiftFlip, o.seed, o.validationFraction,
                CliEnums.parse(Monitor.class, "--monitor", o.monitor), o.patience, Device.parse(o.device));
    }

    /**
     * The configuration of the run in {@code --resume DIR}: the stored one, with {@code --epochs} and
     * {@code --patience} taken from the command line when given. Any other training flag given must
     * match the stored run (another model or dataset is refused before any work).
     */
    static TrainConfig resumedConfig(TrainCommand command) {
        Path stored = command.resume.resolve(RunDirectory.CHECKPOINTS).resolve(TrainingRun.CONFIG_JSON);
        if (!Files.isRegularFile(stored)) {
            throw new SmoothcalException("--resume " + command.resume + ": expected " + RunDirectory.CHECKPOINTS + "/"
                    + TrainingRun.CONFIG_JSON + " written by an earlier 'smoothcal train', found none");
        }
        if (command.out != null && !command.out.toAbsolutePath().normalize()
                .equals(command.resume.toAbsolutePath().normalize())) {
            throw new SmoothcalException("--resume continues the run in place; expected no --out or the same folder, found "
                    + command.out);
        }
        TrainConfig old = Json.read(stored, TrainConfig.class);
        TrainConfig given = config(command.training);
        var parse = command.spec.commandLine().getParseResult();
        requireSame(parse, "--model", old.model(), given.model());
        requireSame(parse, "--data", old.data(), given.data());
        requireSame(parse, "--batch-size", old.batchSize(), given.batchSize());
        requireSame(parse, "--seed", old.seed(), given.seed());
        requireSame(parse, "--label-smoothing", old.labelSmoothing().alpha(), given.labelSmoothing().alpha());
        int epochs = parse.hasMatchedOption("--epochs") ? given.epochs() : old.epochs();
        int patience = parse.hasMatchedOption("--patience") ? given.patience() : old.patience();
        return new TrainConfig(old.data(), old.model(), epochs, old.batchSize(), old.optimizer(), old.schedule(),
                old.labelSmoothing(), old.mix(), old.shiftFlip(), old.seed(), old.validationFraction(), old.monitor(), patience, old.device());
    }

    private static void requireSame(picocli.CommandLine.ParseResult parse, String flag, Object stored, Object given) {
        if (parse.hasMatchedOption(flag) && !stored.equals(given)) {
            throw new SmoothcalException("--resume: the run was trained with " + flag + " " + stored + ", found " + flag
                    + " " + given + "; resume with the same value or start a new run");
        }
    }

    /** Runs the check, writes parity.json into {@code dir}, prints the table and any failure on stderr. */
    static ParityReport checkParity(RunDirectory run, Dataset data, ParityTolerance tolerance, List<Integer> batches,
            Path dir) {
        System.err.println("comparing TensorFlow and ONNX Runtime on " + data.name() + " (" + data.size() + " images) ...");
        ParityReport report = ParityCheck.run(run, data, tolerance, batches);
        Json.write(dir.resolve(RunDirectory.PARITY_JSON), report);
        printParity(System.out, report);
        if (!report.passed()) {
            System.err.println("smoothcal: parity failed: " + String.join("; ", report.failures()));
        }
        return report;
    }

    static void printParity(PrintStream out, ParityReport p) {
        out.printf(Locale.ROOT, "%-40s %12s %12s%n", "check", "value", "limit");
        for (ParityReport.BatchParity b : p.batchSizes()) {
            out.printf(Locale.ROOT, "%-40s %12.3g %12.3g%n", "max |logit TF - ONNX|, batch " + b.batchSize(),
                    b.logitsMaxAbsDiff(), p.tolerance().logitAbsolute());
        }
        out.printf(Locale.ROOT, "%-40s %12.3g %12.3g%n", "max |probability TF - ONNX|", p.probabilities().maxAbsDiff(),
                p.tolerance().probabilityAbsolute());
        out.printf(Locale.ROOT, "%-40s %12s %12s%n", "argmax agreement",
                p.argmax().agree() + "/" + p.argmax().total(), "all but ties");
        out.printf(Locale.ROOT, "%-10s %6s %13s %13s %13s %10s%n", "loss", "alpha", "TensorFlow", "ONNX Runtime",
                "reference", "max rel");
        for (ParityReport.LossParity l : p.loss()) {
            out.printf(Locale.ROOT, "%-10s %6.3f %13.8f %13.8f %13.8f %10.2g%n", l.labels(), l.alpha(), l.tensorflow(),
                    l.onnx(), l.reference(), l.maxRelativeDiff());
        }
        out.println("parity: " + (p.passed() ? "PASSED" : "FAILED"));
        p.failures().forEach(f -> out.println("  - " + f));
    }
}
