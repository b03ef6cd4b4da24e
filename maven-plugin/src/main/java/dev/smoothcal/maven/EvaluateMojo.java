package dev.smoothcal.maven;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationListener;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.report.ReportFiles;
import java.io.File;
import java.util.Locale;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Evaluates an ONNX classifier (any producer) with ONNX Runtime and writes {@code report.json},
 * {@code bins.csv}, the reliability diagrams and {@code report.html}, as {@code smoothcal evaluate} does.
 */
@Mojo(name = "evaluate", defaultPhase = LifecyclePhase.INTEGRATION_TEST, threadSafe = true)
public class EvaluateMojo extends SmoothcalMojo {
    /** The {@code .onnx} file or run directory to evaluate. */
    @Parameter(property = "smoothcal.model", defaultValue = "${project.build.directory}/smoothcal/run")
    File model;

    /** {@code digits} or a dataset path (relative to the project). */
    @Parameter(property = "smoothcal.data", defaultValue = "digits")
    String data;

    /** The split to evaluate: {@code train} or {@code test}. */
    @Parameter(property = "smoothcal.split", defaultValue = "test")
    String split;

    /** Folder for the report files; an earlier report there is replaced. */
    @Parameter(property = "smoothcal.evaluation", defaultValue = "${project.build.directory}/smoothcal/evaluation")
    File outputDirectory;

    /** Equal-width bins of the calibration errors. */
    @Parameter(property = "smoothcal.bins", defaultValue = "15")
    int bins;

    /** Poisson-bootstrap replicates for 95% intervals (0 = off). */
    @Parameter(property = "smoothcal.bootstrap", defaultValue = "200")
    int bootstrapReplicates;

    /** Seed of the bootstrap. */
    @Parameter(property = "smoothcal.seed", defaultValue = "0")
    long seed;

    /** Where ONNX Runtime runs: {@code auto}, {@code cpu} or {@code cuda}. */
    @Parameter(property = "smoothcal.provider", defaultValue = "auto")
    String provider;

    /** Skips this goal. */
    @Parameter(property = "smoothcal.evaluate.skip", defaultValue = "false")
    boolean skipEvaluate;

    @Override
    String goal() {
        return "evaluate";
    }

    @Override
    boolean skipGoal() {
        return skipEvaluate;
    }

    @Override
    void run() {
        Dataset dataset = load(data, split);
        EvaluationRequest request = EvaluationRequest.of(resolve(model), dataset).withBins(bins)
                .withBootstrapReplicates(bootstrapReplicates).withSeed(seed)
                .withProvider(ExecutionProvider.parse(provider));
        try (OutputDirectory out = OutputDirectory.open(resolve(outputDirectory), OutputDirectory.Overwrite.REPLACE)) {
            EvaluationReport report = Evaluation.run(request, new EvaluationListener() {
                @Override
                public void note(String note) {
                    getLog().info("smoothcal: " + note);
                }
            }).withModelPath(resolve(model).toString());
            ReportFiles.write(report, out.staging());
            out.commit();
            getLog().info(String.format(Locale.ROOT, "smoothcal: %s on %s (%d images): accuracy %.4f, nll %.4f, "
                    + "ece %.4f", model.getName(), report.data().name(), report.data().size(), report.accuracy(),
                    report.nll(), report.ece()));
            getLog().info("smoothcal: report written to " + out.target().resolve(ReportFiles.REPORT_JSON));
        }
    }
}
