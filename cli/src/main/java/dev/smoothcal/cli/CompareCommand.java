package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.metrics.BootstrapReplicates;
import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.gate.Gate;
import dev.smoothcal.evaluator.report.BootstrapRecorder;
import dev.smoothcal.evaluator.report.Comparison;
import dev.smoothcal.evaluator.report.ComparisonFiles;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code smoothcal compare}: several models on the same data, side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Evaluate several ONNX classifiers on the same data (for example one network trained with and "
                + "without label smoothing) and write one side-by-side table with 95%% bootstrap intervals of each metric and of each "
                + "model's paired difference to the first (compare.csv, compare.json), a page with the table and "
                + "the reliability diagrams side by side (compare.html) and one overlaid reliability diagram (PNG, SVG).")
final class CompareCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE.onnx|RUN_DIR",
            description = "A model to compare; give it two or more times.")
    List<Path> models;

    @Option(names = "--label", paramLabel = "NAME",
            description = "Name of each --model in the same order (default: the file or run folder name).")
    List<String> labels;

    @Option(names = "--data", defaultValue = "digits", description = "Dataset name or path. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "train|test", description = "Split. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the comparison files.")
    Path out;

    @Mixin
    EvaluateOptions options = new EvaluateOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Mixin
    GateOptions gateOptions = new GateOptions();

    @Override
    public Integer call() {
        Gate gate = gateOptions.gate(options.bootstrap, false);
        if (models.size() < 2) {
            throw new SmoothcalException("compare needs at least two --model, found " + models.size());
        }
        List<String> names = labels == null || labels.isEmpty() ? defaultLabels(models) : labels;
        if (names.size() != models.size()) {
            throw new SmoothcalException("expected one --label per --model (" + models.size() + "), found "
                    + names.size());
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.indexOf(names.get(i)) != i) {
                throw SmoothcalException.invalid("labels", "values must be distinct, found '" + names.get(i) + "' twice");
            }
        }
        // the data is read once, as the first model's run read its images (resized when it resized them)
        EvaluationRequest first = EvaluateCommand.request(models.get(0), data, split, options,
                EvaluateCommand.loadOptions(models.get(0), null, options));
        // Every model is checked against the data before the first is evaluated, so a bad last one fails at once.
        for (int i = 0; i < models.size(); i++) {
            try {
                Evaluation.requireRunnable(first.withModel(models.get(i)));
            } catch (SmoothcalException e) {
                throw naming(names.get(i), e);
            }
        }
        try (OutputDirectory dir = OutputDirectory.open(out, output.policy())) {
            OutputOptions.requireNoClash(dir, ComparisonFiles.ALL);
            List<EvaluationReport> reports = new ArrayList<>();
            List<BootstrapReplicates> replicates = new ArrayList<>();
            for (int i = 0; i < models.size(); i++) {
                EvaluationRequest request = first.withModel(models.get(i));
                System.err.println("evaluating " + names.get(i) + " (" + models.get(i) + ")");
                try {
                    BootstrapRecorder recorder = new BootstrapRecorder(request);
                    EvaluationReport report = evaluate(request, models.get(i).toString(), recorder);
                    reports.add(gateOptions.any() ? report.withGate(gate.check(report)) : report);
                    recorder.replicates().ifPresent(replicates::add);
                } catch (SmoothcalException e) {
                    throw naming(names.get(i), e);
                }
            }
            Comparison comparison = Comparison.of(names, reports, replicates);
            ComparisonFiles.write(comparison, dir.staging());
            dir.commit();
            Summaries.comparison(System.out, comparison);
            System.out.println("comparison written to " + dir.target().resolve(ComparisonFiles.COMPARE_JSON));
            if (gateOptions.any()) {
                boolean passed = true;
                for (Comparison.Entry e : comparison.models()) {
                    Summaries.gate(System.out, e.label(), e.gate());
                    passed &= e.gate().passed();
                }
                return passed ? ExitCode.OK : ExitCode.CHECK_FAILED;
            }
        }
        return ExitCode.OK;
    }

    /** {@code e} as the error of the model labelled {@code label}: same kind, flag named, label in front. */
    private static SmoothcalException naming(String label, SmoothcalException e) {
        String message = "model '" + label + "': " + Flags.message(e, "compare");
        return switch (e.kind()) {
            case BAD_INPUT -> new SmoothcalException(message, e);
            case CHECK_FAILED -> SmoothcalException.checkFailed(message);
            case BACKEND_FAILURE -> SmoothcalException.backend(message, e);
            case DEFECT -> SmoothcalException.defect(message, e);
        };
    }

    private static EvaluationReport evaluate(EvaluationRequest request, String modelPath, BootstrapRecorder recorder) {
        try (ConsoleEvaluationListener listener = new ConsoleEvaluationListener(recorder)) {
            return Evaluation.run(request, listener).withModelPath(modelPath);
        }
    }

    private static List<String> defaultLabels(List<Path> models) {
        List<String> names = new ArrayList<>();
        for (Path m : models) {
            Path name = m.toAbsolutePath().normalize().getFileName();
            String label = name == null ? m.toString() : name.toString();
            if (label.endsWith(".onnx")) {
                label = label.substring(0, label.length() - ".onnx".length());
            }
            if (label.equals("model")) {
                Path parent = m.toAbsolutePath().normalize().getParent();
                label = parent == null || parent.getFileName() == null ? label : parent.getFileName().toString();
            }
            names.add(names.contains(label) ? label + "-" + (names.size() + 1) : label);
        }
        return names;
    }
}
