package dev.smoothcal.cli;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.report.ReportFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code smoothcal evaluate}: accuracy and calibration of any ONNX classifier. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate an ONNX classifier (any producer) with ONNX Runtime: accuracy, NLL, Brier, ECE "
                + "family, reliability bins. Writes report.json and bins.csv.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE.onnx|RUN_DIR", description = "Model to evaluate.")
    Path model;

    @Option(names = "--data", defaultValue = "digits", description = "Dataset name or path. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "train|test", description = "Split. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the report files.")
    Path out;

    @Mixin
    EvaluateOptions options = new EvaluateOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        EvaluationRequest request = request(model, data, split, options);
        try (OutputDirectory dir = OutputDirectory.open(out, output.policy())) {
            dir.requireNoClash(ReportFiles.ALL);
            EvaluationReport report = run(request, dir.staging(), model.toString());
            dir.commit();
            Summaries.evaluation(System.out, report);
            System.out.println("report written to " + dir.target().resolve(ReportFiles.REPORT_JSON));
        }
        return ExitCode.OK;
    }

    static EvaluationRequest request(Path model, String data, String split, EvaluateOptions options) {
        var inference = options.inference();
        var provider = options.executionProvider();
        Dataset dataset = DatasetSource.load(data, DatasetSplit.parse(split));
        return new EvaluationRequest(model, dataset, inference, provider, options.bins, options.bootstrap, options.seed);
    }

    /** Evaluates with a progress display (the report names the model {@code modelPath}) and writes the report files into {@code dir}. */
    static EvaluationReport run(EvaluationRequest request, Path dir, String modelPath) {
        try (ConsoleProgress progress = ConsoleProgress.start("evaluating", request.data().size())) {
            EvaluationReport report = Evaluation.run(request, progress::stepTo,
                    note -> System.err.println("note: " + note)).withModelPath(modelPath);
            ReportFiles.write(report, dir);
            return report;
        }
    }
}
