package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.LoadOptions;
import dev.smoothcal.core.data.ResizeRule;
import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.evaluator.calibration.CalibrationMethod;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.evaluation.ModelSource;
import dev.smoothcal.evaluator.evaluation.RunProvenance;
import dev.smoothcal.evaluator.gate.Gate;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.report.PredictionsCsv;
import dev.smoothcal.evaluator.report.ReportFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--resize", paramLabel = "stretch|center-crop|letterbox",
            description = "Bring images of image folders and archives to the model's input size by this rule. "
                    + "Default: the rule the run was trained with (run.json), else none: images must have the "
                    + "model's size.")
    String resize;

    @Option(names = "--calibrate-on", paramLabel = "validation|train|test",
            description = "Fit a temperature T (minimum NLL of softmax(z/T), T in [0.05, 20]) and the --calibrators on "
                    + "this split and report NLL and ECE before and after: validation = the run's own held-out split "
                    + "(reproduced from run.json and checked by fingerprint; needs a model smoothcal trained), train or "
                    + "test = that split of --data. A fit on the model's training data is refused (see "
                    + "--allow-calibration-on-training-data); fitting on the evaluated split is optimistic.")
    String calibrateOn;

    @Option(names = "--calibrate-data", paramLabel = "PATH",
            description = "Fit on this dataset instead (name or path, as --data); with --calibrate-split.")
    String calibrateData;

    @Option(names = "--calibrate-split", paramLabel = "train|test",
            description = "Split of --calibrate-data to fit on. Default: test.")
    String calibrateSplit;

    @Option(names = "--calibrators", split = ",", paramLabel = "NAME[,NAME...]",
            description = "Calibrators to fit on the calibration split and compare side by side (NLL, ECE, classwise "
                    + "ECE, accuracy with bootstrap intervals): temperature, vector, matrix, dirichlet, platt (2 classes), "
                    + "histogram, isotonic.")
    List<String> calibrators;

    @Option(names = "--allow-calibration-on-training-data",
            description = "Fit on the data the model was trained on anyway; the report flags every calibrator.")
    boolean allowTrainingData;

    @Option(names = "--export-calibrated", paramLabel = "FILE.onnx",
            description = "Write a copy of the model with the --calibrator in its graph, checked against the Java "
                    + "calibrator on the evaluated split (max difference in report.json).")
    Path exportCalibrated;

    @Option(names = "--calibrator", paramLabel = "NAME",
            description = "The calibrator --export-calibrated writes (default: temperature); it is fitted even when "
                    + "--calibrators does not name it.")
    String calibrator;

    @Option(names = "--save-predictions", description = "Also write predictions.csv (index, label, predicted, "
            + "confidence, p_0..p_{K-1}); with --engine spark, the folder predictions.parquet (index, label, "
            + "prediction, confidence, probabilities), written by the executors.")
    boolean savePredictions;

    @Option(names = "--engine", paramLabel = "jvm|spark",
            description = "Where to evaluate: jvm (this process) or spark (Apache Spark; embedded local[*] unless "
                    + "--master is given; needs the Spark distribution). Default: jvm, or spark with --master.")
    String engine;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master for --engine spark: local[*], local[N] or spark://HOST:PORT (a standalone "
                    + "cluster). Implies --engine spark. Default: local[*].")
    String master;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Spark partitions of the data (0 = Spark's default parallelism). Default: 0.")
    Integer partitions;

    @Mixin
    EvaluateOptions options = new EvaluateOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Mixin
    GateOptions gateOptions = new GateOptions();

    @Override
    public Integer call() {
        boolean fits = calibrateOn != null || calibrateData != null;
        Gate gate = gateOptions.gate(options.bootstrap, fits);
        Engine where = engine != null ? CliEnums.parse(Engine.class, "--engine", engine)
                : master != null ? Engine.SPARK : Engine.JVM;
        if (where == Engine.JVM && (master != null || partitions != null)) {
            throw new SmoothcalException("--master and --partitions are for --engine spark; found --engine jvm");
        }
        if (calibrateSplit != null && calibrateData == null) {
            throw new SmoothcalException("--calibrate-split names the split of --calibrate-data; found no --calibrate-data"
                    + " (--calibrate-on train|test fits on a split of --data)");
        }
        if (where == Engine.SPARK) {
            if (exportCalibrated != null) {
                throw new SmoothcalException("--export-calibrated is not supported with --engine spark yet (its check "
                        + "runs the exported model in one JVM; --calibrate-on and --calibrators are); expected "
                        + "--engine jvm for it");
            }
            Runtimes.requireSpark();
        }
        if (exportCalibrated != null && !fits) {
            throw new SmoothcalException("--export-calibrated needs a calibration fit: expected --calibrate-on SPLIT "
                    + "or --calibrate-data PATH, found neither");
        }
        if (calibrateOn != null && calibrateData != null) {
            throw new SmoothcalException("--calibrate-on and --calibrate-data both name a fit split: expected one, "
                    + "found both");
        }
        if (calibrator != null && exportCalibrated == null) {
            throw new SmoothcalException("--calibrator names the calibrator to export: expected --export-calibrated "
                    + "FILE.onnx with it, found none");
        }
        if (calibrators != null && !calibrators.isEmpty() && !fits) {
            throw new SmoothcalException("--calibrators need a split to fit on: expected --calibrate-on or "
                    + "--calibrate-data, found neither");
        }
        if (exportCalibrated != null) {
            output.requireWritableFile("--export-calibrated", exportCalibrated);
        }
        List<CalibrationMethod> methods = new ArrayList<>();
        for (String name : calibrators == null ? List.<String>of() : calibrators) {
            CalibrationMethod m = parseMethod("--calibrators", name);
            if (methods.contains(m)) {
                throw new SmoothcalException("--calibrators names " + m.id() + " twice: expected each once");
            }
            methods.add(m);
        }
        CalibrationMethod exported = calibrator == null ? CalibrationMethod.TEMPERATURE
                : parseMethod("--calibrator", calibrator);
        if (exportCalibrated != null && !methods.contains(exported)) {
            methods.add(exported);
        }
        calibrateSplitOfData(); // a bad value is refused before any file is read
        LoadOptions loading = loadOptions(model, resize, options);
        EvaluationRequest request = where == Engine.SPARK
                ? request(model, SparkTasks.files(data, DatasetSplit.parse(split), loading), options)
                : request(model, data, split, options, loading);
        BatchSource fitData = fitData(loading);
        if (fitData != null) {
            request = request.withCalibration(fitData).withCalibrators(methods)
                    .withTrainingData(allowTrainingData ? EvaluationRequest.TrainingDataPolicy.ALLOW
                            : EvaluationRequest.TrainingDataPolicy.REFUSE);
        }
        if (exportCalibrated != null) {
            request = request.withExport(new EvaluationRequest.CalibratedExport(exportCalibrated, exported));
        }
        Predictions predictions = savePredictions ? Predictions.SAVE : Predictions.SKIP;
        try (OutputDirectory dir = OutputDirectory.open(out, output.policy())) {
            List<String> names = where == Engine.SPARK ? fileNames(Predictions.SKIP) : fileNames(predictions);
            if (where == Engine.SPARK && predictions == Predictions.SAVE) {
                names.add(SparkTasks.predictionsName());
            }
            OutputOptions.requireNoClash(dir, names);
            EvaluationReport report = where == Engine.SPARK
                    ? SparkTasks.evaluate(request, dir.staging(), model.toString(),
                            master != null ? master : SparkTasks.LOCAL, partitions == null ? 0 : partitions, predictions,
                            gateOptions.any() ? gate : null)
                    : run(request, dir.staging(), model.toString(), predictions, gateOptions.any() ? gate : null);
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

    /** The split named by --calibrate-on or --calibrate-data, or null for none. */
    private BatchSource fitData(LoadOptions loading) {
        if (calibrateData != null) {
            return open(calibrateData, DatasetSplit.parse("calibrateSplit", calibrateSplit == null ? "test" : calibrateSplit),
                    loading);
        }
        if (calibrateOn == null) {
            return null;
        }
        if (calibrateOn.trim().equalsIgnoreCase("validation")) {
            return BatchSource.of(RunProvenance.of(model).orElseThrow(() -> new SmoothcalException("--calibrate-on validation needs "
                    + "a model smoothcal trained (a run directory, or its model.onnx): found no run record in "
                    + model + "; use --calibrate-data for other held-out data")).validationSplit());
        }
        return open(data, calibrateSplitOfData(), loading);
    }

    /** The split {@code --calibrate-on} names of {@code --data}, or null for none or the run's validation split. */
    private DatasetSplit calibrateSplitOfData() {
        if (calibrateOn == null || calibrateOn.trim().equalsIgnoreCase("validation")) {
            return null;
        }
        try {
            return DatasetSplit.parse(calibrateOn);
        } catch (SmoothcalException e) {
            throw new SmoothcalException("--calibrate-on must be one of [validation, train, test], found '"
                    + calibrateOn + "'", e);
        }
    }

    /**
     * How the data is loaded: resized to the model's input by the {@code --resize} rule, or as the run that
     * trained the model resized its images, or as stored.
     */
    static LoadOptions loadOptions(Path model, String rule, EvaluateOptions options) {
        if (rule == null) {
            return RunProvenance.of(model).map(RunProvenance::loadOptions).orElse(LoadOptions.defaults());
        }
        ResizeRule parsed;
        try {
            parsed = ResizeRule.parse(rule);
        } catch (SmoothcalException e) {
            throw new SmoothcalException(e.messageNaming("--resize"), e);
        }
        return LoadOptions.defaults().withResize(ImageClassifier.inputResize(ModelSource.onnxFile(model),
                options.inference().layout(), parsed));
    }

    private static CalibrationMethod parseMethod(String flag, String name) {
        try {
            return CalibrationMethod.parse(flag.equals("--calibrator") ? "calibrator" : "calibrators", name);
        } catch (SmoothcalException e) {
            throw new SmoothcalException(e.messageNaming(flag), e);
        }
    }

    static List<String> fileNames(Predictions predictions) {
        List<String> names = new ArrayList<>(ReportFiles.ALL);
        if (predictions == Predictions.SAVE) {
            names.add(PredictionsCsv.FILE_NAME);
        }
        return names;
    }

    /** Opens the split, showing decoding progress with images/s on a terminal. */
    static BatchSource open(String data, DatasetSplit split, LoadOptions loading) {
        try (DecodingProgress progress = new DecodingProgress("decoding " + split.id())) {
            return DatasetSource.open(data, split, loading.withListener(progress));
        }
    }

    static EvaluationRequest request(Path model, String data, String split, EvaluateOptions options,
            LoadOptions loading) {
        return request(model, open(data, DatasetSplit.parse(split), loading), options);
    }

    /** The request to evaluate {@code dataset} with the evaluation options. */
    static EvaluationRequest request(Path model, BatchSource dataset, EvaluateOptions options) {
        return EvaluationRequest.of(model, dataset).withInference(options.inference())
                .withProvider(options.executionProvider()).withBins(options.bins)
                .withBootstrapReplicates(options.bootstrap).withSeed(options.seed);
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
