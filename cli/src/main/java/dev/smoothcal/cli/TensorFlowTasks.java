package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.Resize;
import dev.smoothcal.core.data.ResizeRule;
import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.report.ReportFiles;
import dev.smoothcal.interop.ParityCheck;
import dev.smoothcal.interop.ParityReport;
import dev.smoothcal.interop.ParityTolerance;
import dev.smoothcal.trainer.augment.FlipMode;
import dev.smoothcal.trainer.augment.MixConfig;
import dev.smoothcal.trainer.augment.MixMode;
import dev.smoothcal.trainer.graph.NormalizationMode;
import dev.smoothcal.trainer.loss.SmoothingMethod;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.optim.OptimizerKind;
import dev.smoothcal.trainer.optim.ScheduleKind;
import dev.smoothcal.trainer.recipe.TrainingRecipe;
import dev.smoothcal.trainer.run.DatasetOrigin;
import dev.smoothcal.trainer.run.RunOptions;
import dev.smoothcal.trainer.run.RunSetup;
import dev.smoothcal.trainer.run.TrainingResult;
import dev.smoothcal.trainer.run.TrainingRun;
import dev.smoothcal.trainer.train.Device;
import dev.smoothcal.trainer.train.Monitor;
import dev.smoothcal.trainer.train.ComputeLimit;
import dev.smoothcal.trainer.train.Trainer;
import dev.smoothcal.trainer.train.TrainingBenchmark;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bodies of the commands that need TensorFlow ({@code train}, {@code interop}, {@code demo}).
 * They live apart from the command classes so that picocli can load every command in the
 * evaluator-only distribution, which has no TensorFlow, trainer or interop jars: this class is only
 * loaded when one of these commands runs, after {@link Runtimes#requireTensorFlow} has passed.
 */
final class TensorFlowTasks {
    private TensorFlowTasks() {
    }

    /** What a run is trained from: the data's origin, the architecture and the configuration. */
    record Setup(DatasetOrigin origin, ModelSpec model, TrainingConfig config) {
    }

    static int train(TrainCommand command) {
        Path out;
        OutputDirectory.Overwrite policy = command.output.policy();
        ConsoleTrainingProgress progress = new ConsoleTrainingProgress(System.err);
        Setup setup;
        if (command.resume != null) {
            if (command.config != null) {
                throw new SmoothcalException("--resume continues a run with its stored settings; expected no --config, "
                        + "found " + command.config);
            }
            out = command.resume;
            setup = resumedSetup(command);
            policy = OutputDirectory.Overwrite.REPLACE;
        } else {
            if (command.out == null) {
                throw new SmoothcalException("train needs --out DIR (a new run) or --resume DIR (continue one), found neither");
            }
            out = command.out;
            setup = newSetup(command);
        }
        try (OutputDirectory dir = OutputDirectory.open(out, policy)) {
            OutputOptions.requireNoClash(dir, RunDirectory.TRAINING_OUTPUTS);
            ModelSpec model = setup.model() != null ? setup.model() : ModelSpec.load(command.training.model);
            Dataset data = load(setup.origin(), progress);
            // A new run (--overwrite included) never continues from checkpoints left in the folder. It
            // checkpoints into the folder itself, so that a killed run can be resumed, unless that would
            // touch an earlier run's checkpoints: those stay intact until the new run commits.
            Path checkpoints = dir.target().resolve(RunDirectory.CHECKPOINTS);
            if (command.resume == null && Files.exists(checkpoints)) {
                checkpoints = dir.staging().resolve(RunDirectory.CHECKPOINTS);
            }
            RunOptions options = RunOptions.DEFAULT.withOrigin(setup.origin()).withCheckpoints(checkpoints,
                    command.resume != null ? RunOptions.Resume.CONTINUE : RunOptions.Resume.START);
            TrainingResult result = TrainingRun.fit(data, model, setup.config(), dir.staging(), options, progress);
            dir.commit();
            System.out.println("run written to " + dir.target());
            System.out.println("model fingerprint " + result.manifest().modelFingerprint());
        }
        return ExitCode.OK;
    }

    private static Dataset load(DatasetOrigin origin, ConsoleTrainingProgress progress) {
        progress.phase("loading " + origin.location());
        Dataset data;
        try (DecodingProgress decoding = new DecodingProgress("decoding " + origin.split().id())) {
            data = DatasetSource.load(origin.location(), origin.split(), origin.loadOptions().withListener(decoding));
        }
        // The loaded dataset is float32; the trainer holds its training and validation parts again, as
        // uint8 where every pixel is a whole value in [0, 255] (batches are converted as they are built).
        System.err.printf(Locale.ROOT, "holding %,d images of %s in memory: %.1f MB as float32 as loaded, and %s "
                + "while training%n", data.size(), data.shape(),
                data.size() * (double) data.shape().size() * Float.BYTES / 1e6, Trainer.memoryNeeded(data));
        return data;
    }

    static int interop(InteropCommand c) {
        ParityTolerance tolerance = new ParityTolerance(c.logitAbsolute, c.logitRelative, c.probabilityAbsolute,
                c.lossRelative);
        RunDirectory runDir = RunDirectory.open(c.run);
        BatchSource dataset = DatasetSource.open(c.data, DatasetSplit.parse(c.split));
        try (OutputDirectory dir = OutputDirectory.open(c.out, c.output.policy())) {
            OutputOptions.requireNoClash(dir, List.of(RunDirectory.PARITY_JSON));
            ParityReport report = checkParity(runDir, dataset, tolerance, c.batchSizes, dir.staging());
            dir.commit();
            return report.passed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
        }
    }

    static int demo(DemoCommand c) {
        TrainingConfig config = config(c.training);
        DatasetOrigin origin = DatasetOrigin.train(c.training.data);
        ConsoleTrainingProgress progress = new ConsoleTrainingProgress(System.err);
        // The demo's own folder is replaced freely, but never a folder the demo did not write: a training
        // run holds run.json too, so an earlier demo is told by the marker file only the demo writes.
        boolean earlierDemo = Files.isRegularFile(c.out.resolve(DemoCommand.MARKER));
        try (OutputDirectory dir = OutputDirectory.open(c.out, earlierDemo ? OutputDirectory.Overwrite.REPLACE
                : c.output.policy())) {
            List<String> outputs = new ArrayList<>(RunDirectory.TRAINING_OUTPUTS);
            outputs.addAll(ReportFiles.ALL);
            outputs.add(RunDirectory.PARITY_JSON);
            outputs.add(DemoCommand.MARKER);
            OutputOptions.requireNoClash(dir, outputs);
            Path staging = dir.staging();
            System.err.println("1/3 training " + c.training.model + " on " + c.training.data + " (label smoothing "
                    + config.labelSmoothing().alpha() + ") ...");
            ModelSpec model = ModelSpec.load(c.training.model);
            Dataset train = load(origin, progress);
            TrainingRun.fit(train, model, config, staging, RunOptions.DEFAULT.withOrigin(origin), progress);
            System.err.println("2/3 evaluating model.onnx with ONNX Runtime on the test split ...");
            Dataset test = DatasetSource.load(origin.location(), DatasetSplit.TEST);
            EvaluationReport report = EvaluateCommand.run(
                    EvaluationRequest.of(staging.resolve(RunDirectory.MODEL_ONNX), test).withSeed(config.seed()), staging,
                    dir.target().resolve(RunDirectory.MODEL_ONNX).toString());
            System.err.println("3/3 checking TensorFlow / ONNX Runtime parity ...");
            ParityReport parity = checkParity(new RunDirectory(staging), BatchSource.of(test), ParityTolerance.DEFAULT,
                    ParityCheck.DEFAULT_BATCH_SIZES, staging);
            AtomicFiles.writeString(staging.resolve(DemoCommand.MARKER),
                    "written by smoothcal demo, which replaces this folder when it runs here again\n");
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

    /**
     * One row of the benchmark table.
     *
     * @param model the model's name
     * @param augmentation off, or the augmentation and its alpha
     * @param stepsPerSecond median over rounds
     * @param imagesPerSecond steps/s times the batch size
     * @param costPercent extra time per step relative to off, median over rounds
     * @param costLowerPercent lower end of the cost's 95% confidence interval; 0 for off, null for fewer than
     *     6 rounds
     * @param costUpperPercent upper end of that interval; 0 for off, null for fewer than 6 rounds
     * @param rounds every round's steps/s
     * @param gflopPerStep the step's arithmetic, {@link ComputeLimit#trainingFlopsPerStep}, in 10^9
     * @param limitStepsPerSecond the measured GEMM rate over the step's arithmetic
     * @param sharePercent steps/s as a percentage of that limit
     */
    record BenchRow(String model, String augmentation, double stepsPerSecond, double imagesPerSecond,
            double costPercent, Double costLowerPercent, Double costUpperPercent, double[] rounds,
            double gflopPerStep, double limitStepsPerSecond,
            double sharePercent) {
    }

    /** The GEMM rate in the JSON: the product's size, the median rate and every round. */
    record BenchGemm(int size, double gflopsPerSecond, double[] rounds) {
    }

    /**
     * The content of {@code bench --out}: the settings measured under and one row per model and augmentation.
     *
     * @param format always {@link #FORMAT}
     * @param data the dataset batches came from
     * @param batchSize images per step
     * @param warmup untimed steps of each configuration
     * @param steps timed steps per configuration and round
     * @param rounds rounds, each timing every configuration in turn
     * @param gemm the machine's fp32 GEMM rate, measured before the rows
     * @param rows the table
     */
    record BenchReport(String format, String data, int batchSize, int warmup, int steps, int rounds,
            BenchGemm gemm, List<BenchRow> rows) {
        static final String FORMAT = "smoothcal-bench/1";
    }

    static int bench(BenchCommand c) {
        if (c.out != null) {
            c.output.requireWritableFile("--out", c.out);
        }
        Dataset data = DatasetSource.load(c.data, DatasetSplit.TRAIN);
        List<BenchRow> rows = new ArrayList<>();
        // Every model is resolved before the first is measured, so a bad one is refused before the work.
        Map<String, dev.smoothcal.trainer.model.ResolvedModel> resolved = new LinkedHashMap<>();
        for (String modelName : c.models) {
            resolved.put(modelName, ModelSpec.load(modelName).resolve(data.shape(), data.numClasses()));
        }
        TrainingBenchmark.checkCounts(c.warmup, c.steps, c.rounds);
        // The configurations too (the augmentations' alphas, the batch size) are checked before the GEMM is timed.
        List<MixConfig> mixes = List.of(MixConfig.OFF, MixConfig.mixup(c.mixup), MixConfig.cutmix(c.cutmix));
        List<TrainingConfig> configs = new ArrayList<>();
        for (MixConfig mix : mixes) {
            configs.add(TrainingConfig.builder().epochs(1).batchSize(c.batchSize).mix(mix).build());
        }
        if (data.size() < c.batchSize) {
            throw SmoothcalException.invalid("batchSize", "must be at most the " + data.size() + " images of "
                    + data.name() + " for one batch, found " + c.batchSize);
        }
        ComputeLimit.GemmRate gemm = ComputeLimit.measureGemm(c.gemmSize, 2, c.rounds);
        System.out.printf(Locale.ROOT, "fp32 GEMM %dx%d (MatMul, training's session options): %.1f GFLOP/s%n",
                gemm.size(), gemm.size(), gemm.gflopsPerSecond());
        System.out.printf(Locale.ROOT, "%-14s %-14s %10s %10s %10s %-16s %10s %10s%n", "model", "augmentation",
                "steps/s", "images/s", "cost", "  cost 95% CI", "limit", "share");
        for (String modelName : c.models) {
            var model = resolved.get(modelName);
            List<TrainingBenchmark.Measurement> measured = TrainingBenchmark.compare(configs, model, data, c.warmup,
                    c.steps, c.rounds);
            for (TrainingBenchmark.Measurement m : measured) {
                MixConfig mix = m.config().mix();
                String name = mix.mixupOn() ? "mixup " + c.mixup : mix.cutmixOn() ? "cutmix " + c.cutmix : "off";
                double flops = ComputeLimit.trainingFlopsPerStep(model, c.batchSize);
                double limit = gemm.gflopsPerSecond() * 1e9 / flops;
                BenchRow row = new BenchRow(modelName, name, m.stepsPerSecond(), m.stepsPerSecond() * c.batchSize,
                        m.costPercent(), finiteOrNull(m.costLowerPercent()), finiteOrNull(m.costUpperPercent()),
                        m.roundsStepsPerSecond(), flops / 1e9, limit, 100.0 * m.stepsPerSecond() / limit);
                rows.add(row);
                String interval = m == measured.get(0) ? "  baseline"
                        : row.costLowerPercent() == null ? "  -"
                        : String.format(Locale.ROOT, "  [%.1f, %.1f]%%", row.costLowerPercent(), row.costUpperPercent());
                System.out.printf(Locale.ROOT, "%-14s %-14s %10.1f %10.0f %9.1f%% %-16s %10.1f %9.1f%%%n", row.model(),
                        row.augmentation(), row.stepsPerSecond(), row.imagesPerSecond(), row.costPercent(), interval,
                        row.limitStepsPerSecond(), row.sharePercent());
            }
        }
        if (c.out != null) {
            Json.write(c.out, new BenchReport(BenchReport.FORMAT, c.data, c.batchSize, c.warmup, c.steps, c.rounds,
                    new BenchGemm(gemm.size(), gemm.gflopsPerSecond(), gemm.roundsGflopsPerSecond()), rows));
        }
        return ExitCode.OK;
    }

    private static Double finiteOrNull(double value) {
        return Double.isFinite(value) ? value : null;
    }

    /** The flags as a training configuration, validated by the library. */
    static TrainingConfig config(TrainOptions o) {
        return overlay(TrainingConfig.builder(), o, parameter -> true).build();
    }

    /**
     * A new run's setup: the flags over the defaults; with {@code --config FILE}, the flags given on the
     * command line (as picocli matched them, whatever their value) over the recipe's values over the defaults.
     */
    static Setup newSetup(TrainCommand command) {
        TrainOptions o = command.training;
        if (command.config == null) {
            return new Setup(DatasetOrigin.train(o.data).withResize(resize(command)), null, config(o));
        }
        var parse = command.spec.commandLine().getParseResult();
        Predicate<String> given = parameter -> Flags.flag("train", parameter).map(parse::hasMatchedOption).orElse(false);
        TrainingRecipe recipe = TrainingRecipe.read(command.config);
        TrainingConfig config = overlay(recipe.config().toBuilder(), o, given).build();
        String data = given.test("data") ? o.data : recipe.dataOr(o.data);
        ModelSpec model = given.test("model") || recipe.model() == null ? ModelSpec.load(o.model) : recipe.model();
        return new Setup(DatasetOrigin.train(data).withResize(resize(command)), model, config);
    }

    /** {@code --image-size HxW}: rows and columns, spaces around them allowed. */
    private static final Pattern IMAGE_SIZE = Pattern.compile("\\s*(\\d{1,5})\\s*[xX]\\s*(\\d{1,5})\\s*");

    /** The resize {@code --image-size} and {@code --resize} ask for, or null for images as they are. */
    static Resize resize(TrainCommand command) {
        if (command.imageSize == null) {
            if (command.resize != null) {
                throw new SmoothcalException("--resize needs --image-size HxW, the size to bring images to; found none");
            }
            return null;
        }
        Matcher m = IMAGE_SIZE.matcher(command.imageSize);
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(2)) < 1) {
            throw new SmoothcalException("--image-size must be HxW with H and W in [1, 99999], for example 32x32; "
                    + "found '" + command.imageSize + "'");
        }
        ResizeRule rule;
        try {
            rule = command.resize == null ? ResizeRule.STRETCH : ResizeRule.parse(command.resize);
        } catch (SmoothcalException e) {
            throw new SmoothcalException(e.messageNaming("--resize"), e);
        }
        return new Resize(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), rule);
    }

    private static NormalizationMode normalization(String value) {
        for (NormalizationMode m : NormalizationMode.values()) {
            if (m.id().equals(value.trim())) {
                return m;
            }
        }
        throw new SmoothcalException("--normalization must be one of channel, mean-image, found '" + value + "'");
    }

    /** Sets each training parameter for which {@code given} holds to its flag's value. */
    private static TrainingConfig.Builder overlay(TrainingConfig.Builder b, TrainOptions o, Predicate<String> given) {
        if (given.test("epochs")) {
            b.epochs(o.epochs);
        }
        if (given.test("batchSize")) {
            b.batchSize(o.batchSize);
        }
        if (given.test("optimizer")) {
            b.optimizer(CliEnums.parse(OptimizerKind.class, "--optimizer", o.optimizer));
        }
        if (given.test("learningRate")) {
            b.learningRate(o.learningRate);
        }
        if (given.test("momentum")) {
            b.momentum(o.momentum);
        }
        if (given.test("weightDecay")) {
            b.weightDecay(o.weightDecay);
        }
        if (given.test("schedule")) {
            b.schedule(CliEnums.parse(ScheduleKind.class, "--schedule", o.schedule));
        }
        if (given.test("stepEvery")) {
            b.stepEvery(o.stepEvery);
        }
        if (given.test("stepFactor")) {
            b.stepFactor(o.stepFactor);
        }
        if (given.test("polyPower")) {
            b.polyPower(o.polyPower);
        }
        if (given.test("warmupEpochs")) {
            b.warmupEpochs(o.warmupEpochs);
        }
        if (given.test("mixupAlpha")) {
            b.mixupAlpha(o.mixup);
        }
        if (given.test("cutmixAlpha")) {
            b.cutmixAlpha(o.cutmix);
        }
        if (given.test("mixProbability")) {
            b.mixProbability(o.mixProb);
        }
        if (given.test("switchProbability")) {
            b.switchProbability(o.switchProb);
        }
        if (given.test("mixMode")) {
            b.mixMode(CliEnums.parse(MixMode.class, "--mix-mode", o.mixMode));
        }
        if (given.test("cutmixMinmax") && o.cutmixMinmax != null) {
            if (o.cutmixMinmax.length != 2) {
                throw SmoothcalException.invalid("cutmixMinmax", "must be two numbers MIN,MAX, found "
                        + java.util.Arrays.toString(o.cutmixMinmax));
            }
            b.cutmixMinmax(o.cutmixMinmax[0], o.cutmixMinmax[1]);
        }
        if (given.test("normalization")) {
            b.normalization(normalization(o.normalization));
        }
        if (given.test("shift")) {
            b.shift(o.shift);
        }
        if (given.test("flip")) {
            b.flip(CliEnums.parse(FlipMode.class, "--flip", o.flip));
        }
        if (given.test("labelSmoothing")) {
            b.labelSmoothing(o.labelSmoothing);
        }
        if (given.test("smoothingConvention")) {
            b.smoothingConvention(o.convention);
        }
        if (given.test("smoothingMethod")) {
            b.smoothingMethod(CliEnums.parse(SmoothingMethod.class, "--smoothing-method", o.smoothingMethod));
        }
        if (given.test("seed")) {
            b.seed(o.seed);
        }
        if (given.test("validationFraction")) {
            b.validationFraction(o.validationFraction);
        }
        if (given.test("monitor")) {
            b.monitor(CliEnums.parse(Monitor.class, "--monitor", o.monitor));
        }
        if (given.test("patience")) {
            b.patience(o.patience);
        }
        if (given.test("device")) {
            b.device(Device.parse(o.device));
        }
        return b;
    }

    /**
     * What the run in {@code --resume DIR} was started with (its checkpoints' config.json: architecture,
     * data origin, configuration), with {@code --epochs} and {@code --patience} taken from the command line
     * when given. Any other training flag given must match the stored run (another model or dataset is
     * refused before any work). The model file the run was trained from is not needed.
     */
    private static Setup resumedSetup(TrainCommand command) {
        Path checkpoints = command.resume.resolve(RunDirectory.CHECKPOINTS);
        if (!Files.isRegularFile(checkpoints.resolve(TrainingRun.CONFIG_JSON))) {
            throw new SmoothcalException("--resume " + command.resume + ": expected " + RunDirectory.CHECKPOINTS + "/"
                    + TrainingRun.CONFIG_JSON + " written by an earlier 'smoothcal train', found none");
        }
        if (command.out != null && !command.out.toAbsolutePath().normalize()
                .equals(command.resume.toAbsolutePath().normalize())) {
            throw new SmoothcalException("--resume continues the run in place; expected no --out or the same folder, found "
                    + command.out);
        }
        RunSetup stored = RunSetup.read(checkpoints);
        TrainOptions o = command.training;
        TrainingConfig old = stored.config();
        TrainingConfig given = config(o);
        var parse = command.spec.commandLine().getParseResult();
        if (parse.hasMatchedOption("--model") && !sameModel(stored.model(), o.model)) {
            throw refuseResume("--model", stored.model().name(), o.model);
        }
        DatasetOrigin origin = stored.dataOrigin();
        if (origin == null) {
            if (!parse.hasMatchedOption("--data")) {
                throw new SmoothcalException("--resume " + command.resume + ": the run does not record where its data "
                        + "came from; expected --data, found none");
            }
            origin = DatasetOrigin.train(o.data);
        }
        requireSame(parse, "--data", origin.location(), o.data);
        if (parse.hasMatchedOption("--image-size") || parse.hasMatchedOption("--resize")) {
            Resize now = resize(command);
            if (!Objects.equals(origin.resize(), now)) {
                throw refuseResume("--image-size/--resize", origin.resize() == null ? "none" : origin.resize().toString(),
                        now == null ? "none" : now.toString());
            }
        }
        List<String> storedValues = new ArrayList<>();
        List<String> givenValues = new ArrayList<>();
        RESUME_SETTINGS.forEach((flag, setting) -> {
            Object was = setting.apply(old);
            Object now = setting.apply(given);
            if (parse.hasMatchedOption(flag) && !was.equals(now)) {
                storedValues.add(flag + " " + spelled(was));
                givenValues.add(flag + " " + spelled(now));
            }
        });
        if (!storedValues.isEmpty()) {
            throw new SmoothcalException("--resume: the run was trained with " + String.join(", ", storedValues)
                    + ", found " + String.join(", ", givenValues) + "; resume with the same "
                    + (storedValues.size() == 1 ? "value" : "values") + " (only --epochs and --patience may change) "
                    + "or start a new run");
        }
        TrainingConfig.Builder resumed = old.toBuilder();
        if (parse.hasMatchedOption("--epochs")) {
            resumed.epochs(given.epochs());
        }
        if (parse.hasMatchedOption("--patience")) {
            resumed.patience(given.patience());
        }
        return new Setup(origin, stored.model(), resumed.build());
    }

    /**
     * Every training setting a flag sets, by flag, as {@code --resume} compares them: all but {@code --epochs}
     * and {@code --patience} (which may change) and {@code --data} and {@code --model} (compared apart).
     */
    static final Map<String, Function<TrainingConfig, Object>> RESUME_SETTINGS = resumeSettings();

    private static Map<String, Function<TrainingConfig, Object>> resumeSettings() {
        Map<String, Function<TrainingConfig, Object>> m = new LinkedHashMap<>();
        m.put("--batch-size", TrainingConfig::batchSize);
        m.put("--optimizer", c -> c.optimizer().kind());
        m.put("--lr", c -> c.optimizer().learningRate());
        m.put("--momentum", c -> c.optimizer().momentum());
        m.put("--weight-decay", c -> c.optimizer().weightDecay());
        m.put("--schedule", c -> c.schedule().kind());
        m.put("--step-every", c -> c.schedule().every());
        m.put("--step-factor", c -> c.schedule().factor());
        m.put("--poly-power", c -> c.schedule().power());
        m.put("--warmup-epochs", c -> c.schedule().warmupEpochs());
        m.put("--label-smoothing", c -> c.labelSmoothing().alpha());
        m.put("--smoothing-convention", c -> c.labelSmoothing().convention());
        m.put("--smoothing-method", TrainingConfig::smoothingMethod);
        m.put("--mixup", c -> c.mix().mixupAlpha());
        m.put("--cutmix", c -> c.mix().cutmixAlpha());
        m.put("--mix-prob", c -> c.mix().probability());
        m.put("--switch-prob", c -> c.mix().switchProbability());
        m.put("--mix-mode", c -> c.mix().mode());
        m.put("--cutmix-minmax", c -> List.of(c.mix().cutmixMin(), c.mix().cutmixMax()));
        m.put("--normalization", TrainingConfig::normalization);
        m.put("--shift", c -> List.of(c.shiftFlip().heightShift(), c.shiftFlip().widthShift()));
        m.put("--flip", c -> c.shiftFlip().flip());
        m.put("--seed", TrainingConfig::seed);
        m.put("--validation-fraction", TrainingConfig::validationFraction);
        m.put("--monitor", TrainingConfig::monitor);
        m.put("--device", TrainingConfig::device);
        return m;
    }

    /** A setting as its flag spells it (the run.json spelling: {@code sgd}, {@code val_loss}, {@code gpu:1}). */
    private static String spelled(Object value) {
        if (value instanceof List<?> l && l.size() == 2) {
            return l.get(0).equals(l.get(1)) ? spelled(l.get(0)) : spelled(l.get(0)) + "," + spelled(l.get(1));
        }
        try {
            return Json.MAPPER.writeValueAsString(value).replace("\"", "");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /** Whether {@code --model given} names the stored architecture (a preset or a file holding it). */
    private static boolean sameModel(ModelSpec stored, String given) {
        try {
            return ModelSpec.load(given).equals(stored);
        } catch (SmoothcalException e) {
            return false;
        }
    }

    private static void requireSame(picocli.CommandLine.ParseResult parse, String flag, Object stored, Object given) {
        if (parse.hasMatchedOption(flag) && !stored.equals(given)) {
            throw refuseResume(flag, stored, given);
        }
    }

    private static SmoothcalException refuseResume(String flag, Object stored, Object given) {
        return new SmoothcalException("--resume: the run was trained with " + flag + " " + stored + ", found " + flag
                + " " + given + "; resume with the same value or start a new run");
    }

    /** Runs the check, writes parity.json into {@code dir}, prints the table and any failure on stderr. */
    static ParityReport checkParity(RunDirectory run, BatchSource data, ParityTolerance tolerance, List<Integer> batches,
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
        out.printf(Locale.ROOT, "%-10s %6s %13s %13s %13s %10s%n", "smoothed", "by", "TensorFlow", "ONNX Runtime",
                "reference", "max rel");
        for (ParityReport.MethodParity m : p.smoothingMethods()) {
            out.printf(Locale.ROOT, "%-10s %6s %13.8f %13.8f%n", m.labels(), "loss", m.tensorflowByLoss(),
                    m.onnxByLoss());
            out.printf(Locale.ROOT, "%-10s %6s %13.8f %13.8f %13.8f %10.2g%n", m.labels(), "labels",
                    m.tensorflowByLabels(), m.onnxByLabels(), m.referenceByLabels(), m.maxRelativeDiff());
        }
        out.println("parity: " + (p.passed() ? "PASSED" : "FAILED"));
        p.failures().forEach(f -> out.println("  - " + f));
    }
}
