package dev.smoothcal.cli;

import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.gate.Gate;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.report.ReportFiles;
import dev.smoothcal.spark.SparkEngine;
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

    /** Evaluates on Spark (the report names the model {@code modelPath}) and writes the report files into {@code dir}. */
    static EvaluationReport evaluate(EvaluationRequest request, Path dir, String modelPath, String master,
            int partitions, Gate gate) {
        System.err.println("evaluating " + request.data().name() + " on Spark (" + master + ") ...");
        EvaluationReport report = SparkEngine.evaluate(request, master, partitions).withModelPath(modelPath);
        if (gate != null) {
            report = report.withGate(gate.check(report));
        }
        ReportFiles.write(report, dir);
        return report;
    }
}
