package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.LoadOptions;
import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.evaluator.calibration.CalibratedModel;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.evaluation.ModelSource;
import dev.smoothcal.evaluator.gate.Gate;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.report.PredictionsCsv;
import dev.smoothcal.evaluator.report.ReportFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code smoothcal evaluate}: accuracy and calibration of any ONNX classifier, optionally temperature-scaled. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate an ONNX classifier (any producer) with ONNX Runtime: accuracy, NLL, Brier, ECE "
                + "family, reliability bins, optional temperature scaling. Writes report.json, bins.csv, "
                + "reliability and confidence plots (PNG, SVG) and report.html.")
final class EvaluateCommand implements Callable<Integer> {
    /** Where the evaluation runs. */
    enum Engine {
        /** In this JVM (the default). */
        JVM,
        /** On Apache Spark: embedded {@code local[*]}, or the cluster of {@code --master}. */
        SPARK
    }

    /** Whether {@code predictions.csv} is written. */
    enum Predictions {
        SAVE, SKIP
    }

    @Option(names = "--model", required = true, paramLabel = "FILE.onnx|RUN_DIR", description = "Model to evaluate.")
    Path model;

    @Option(names = "--data", defaultValue = "digits", description = "Dataset name or path. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "train|test", description = "Split. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the report files.")
    Path out;

    @Option(names = "--calibrate-on", paramLabel = "train|test",
            description = "Fit a temperature T on this split of --data (minimum NLL of softmax(z/T), T in [0.05, 20]) "
                    + "and report NLL and ECE before and after. Fitting on the evaluated split is optimistic.")
    String calibrateOn;

    @Option(names = "--export-calibrated", paramLabel = "FILE.onnx",
            description = "With --calibrate-on: write a copy of the model whose logits are divided by T.")
    Path exportCalibrated;

    @Option(names = "--save-predictions", description = "Also write predictions.csv (index, label, predicted, "
            + "confidence, p_0..p_{K-1}).")
    boolean savePredictions;

    @Option(names = "--engine", paramLabel = "jvm|spark",
            description = "Where to evaluate: jvm (this process) or spark (Apache Spark; embedded local[*] unless "
                    + "--master is given; needs the Spark distribution). Default: jvm, or spark with --master.")
    String engine;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master for --engine spark: local[*], local[N] or spark://HOST:PORT (a standalone "
                    + "cluster). Implies --engine spark. Default: local[*].")
    String master;

    @Option(names = "--partitions", defaultValue = "0", paramLabel = "N",
            description = "Spark partitions of the data (0 = Spark's default parallelism). Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Mixin
    EvaluateOptions options = new EvaluateOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Mixin
    GateOptions gateOptions = new GateOptions();

    @Override
    public Integer call() {
        Gate gate = gateOptions.gate(options.bootstrap, calibrateOn != null);
        Engine where = engine != null ? CliEnums.parse(Engine.class, "--engine", engine)
                : master != null ? Engine.SPARK : Engine.JVM;
        if (where == Engine.JVM && (master != null || partitions != 0)) {
            throw new SmoothcalException("--master and --partitions are for --engine spark; found --engine jvm");
        }
        if (where == Engine.SPARK) {
            if (savePredictions) {
                throw new SmoothcalException("--save-predictions is not supported with --engine spark yet; expected "
                        + "one of them, found both");
            }
            if (calibrateOn != null) {
                throw new SmoothcalException("--calibrate-on is not supported with --engine spark yet; expected "
                        + "one of them, found both");
            }
            Runtimes.requireSpark();
        }
        if (exportCalibrated != null && calibrateOn == null) {
            throw new SmoothcalException("--export-calibrated needs a temperature: expected --calibrate-on SPLIT, "
                    + "found none");
        }
        DatasetSplit fitSplit = calibrateOn == null ? null : DatasetSplit.parse("calibrateOn", calibrateOn);
        if (exportCalibrated != null) {
            output.requireWritableFile("--export-calibrated", exportCalibrated);
        }
        EvaluationRequest request = request(model, data, split, options);
        if (fitSplit != null) {
            request = request.withCalibration(open(data, fitSplit));
        }
        Predictions predictions = savePredictions ? Predictions.SAVE : Predictions.SKIP;
        try (OutputDirectory dir = OutputDirectory.open(out, output.policy())) {
            OutputOptions.requireNoClash(dir, fileNames(predictions));
            EvaluationReport report = where == Engine.SPARK
                    ? SparkTasks.evaluate(request, dir.staging(), model.toString(),
                            master != null ? master : SparkTasks.LOCAL, partitions, gateOptions.any() ? gate : null)
                    : run(request, dir.staging(), model.toString(), predictions, gateOptions.any() ? gate : null);
            if (exportCalibrated != null) {
                CalibratedModel.export(ModelSource.onnxFile(model), exportCalibrated, report.model().output(),
                        OutputKind.valueOf(report.model().outputKind().toUpperCase(Locale.ROOT)),
                        report.temperature().t());
            }
            dir.commit();
            Summaries.evaluation(System.out, report);
            if (exportCalibrated != null) {
                System.out.println("calibrated model written to " + exportCalibrated.toAbsolutePath().normalize());
            }
            System.out.println("report written to " + dir.target().resolve(ReportFiles.REPORT_JSON)
                    + " (open report.html to read it)");
            if (report.gate() != null) {
                Summaries.gate(System.out, null, report.gate());
                return report.gate().passed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
            }
        }
        return ExitCode.OK;
    }

    static List<String> fileNames(Predictions predictions) {
        List<String> names = new ArrayList<>(ReportFiles.ALL);
        if (predictions == Predictions.SAVE) {
            names.add(PredictionsCsv.FILE_NAME);
        }
        return names;
    }

    /** Opens the split, showing decoding progress with images/s on a terminal. */
    static BatchSource open(String data, DatasetSplit split) {
        ConsoleProgress[] bar = new ConsoleProgress[1];
        try {
            return DatasetSource.open(data, split, LoadOptions.defaults().withListener((done, total) -> {
                if (bar[0] == null) {
                    bar[0] = ConsoleProgress.startWithSpeed("decoding " + split.id(), total, "img");
                }
                bar[0].stepTo(done);
            }));
        } finally {
            if (bar[0] != null) {
                bar[0].close();
            }
        }
    }

    static EvaluationRequest request(Path model, String data, String split, EvaluateOptions options) {
        var inference = options.inference();
        var provider = options.executionProvider();
        BatchSource dataset = open(data, DatasetSplit.parse(split));
        return EvaluationRequest.of(model, dataset).withInference(inference).withProvider(provider)
                .withBins(options.bins).withBootstrapReplicates(options.bootstrap).withSeed(options.seed);
    }

    /** Evaluates with a progress display (the report names the model {@code modelPath}) and writes the report files into {@code dir}. */
    static EvaluationReport run(EvaluationRequest request, Path dir, String modelPath) {
        return run(request, dir, modelPath, Predictions.SKIP, null);
    }

    /**
     * As {@link #run(EvaluationRequest, Path, String)}, streaming {@code predictions.csv} too when asked, with the
     * verdicts of {@code gate} (null for none) in the report written.
     */
    static EvaluationReport run(EvaluationRequest request, Path dir, String modelPath, Predictions predictions,
            Gate gate) {
        try (PredictionsCsv csv = predictions == Predictions.SAVE
                        ? PredictionsCsv.open(dir, request.data().labels()) : null;
                ConsoleEvaluationListener listener = new ConsoleEvaluationListener(
                        csv == null ? (from, count, p, k) -> { } : csv)) {
            EvaluationReport report = Evaluation.run(request, listener).withModelPath(modelPath);
            if (gate != null) {
                report = report.withGate(gate.check(report));
            }
            if (csv != null) {
                csv.finish();
            }
            ReportFiles.write(report, dir);
            return report;
        }
    }
}
