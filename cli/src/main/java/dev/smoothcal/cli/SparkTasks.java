package dev.smoothcal.cli;

import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.LoadOptions;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.gate.Gate;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.report.ReportFiles;
import dev.smoothcal.spark.SparkEngine;
import dev.smoothcal.spark.SparkFiles;
import java.nio.file.Path;

/**
 * The body of {@code evaluate --engine spark}. Apart from the command classes, like {@link TensorFlowTasks}:
 * it is loaded only after {@link Runtimes#requireSpark} has passed, so the distributions without Spark load
 * every command.
 */
final class SparkTasks {
    /** The embedded master. */
    static final String LOCAL = "local[*]";

    private SparkTasks() {
    }

    /**
     * The split of {@code data} read on the Spark executors at its (absolute) path, opened here for its size,
     * shape, class names and labels, with decoding progress on a terminal.
     */
    static BatchSource files(String data, DatasetSplit split, LoadOptions loading) {
        try (DecodingProgress progress = new DecodingProgress("decoding " + split.id())) {
            return SparkFiles.of(data, split, loading.withListener(progress));
        }
    }

    /** The output file names with predictions: the Parquet folder instead of predictions.csv. */
    static String predictionsName() {
        return SparkEngine.PREDICTIONS_PARQUET;
    }

    /** Evaluates on Spark (the report names the model {@code modelPath}) and writes the report files into {@code dir}. */
    static EvaluationReport evaluate(EvaluationRequest request, Path dir, String modelPath, String master,
            int partitions, EvaluateCommand.Predictions predictions, Gate gate) {
        System.err.println("evaluating " + request.data().name() + " on Spark (" + master + ") ...");
        Path parquet = predictions == EvaluateCommand.Predictions.SAVE
                ? dir.resolve(SparkEngine.PREDICTIONS_PARQUET) : null;
        EvaluationReport report = SparkEngine.evaluate(request, master, partitions, parquet)
                .withModelPath(modelPath);
        if (gate != null) {
            report = report.withGate(gate.check(report));
        }
        ReportFiles.write(report, dir);
        return report;
    }
}
