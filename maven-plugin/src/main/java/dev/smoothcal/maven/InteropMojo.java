package dev.smoothcal.maven;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.interop.ParityCheck;
import dev.smoothcal.interop.ParityReport;
import dev.smoothcal.interop.ParityTolerance;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks that a run's SavedModel (TensorFlow) and {@code model.onnx} (ONNX Runtime) give the same logits,
 * probabilities, classes and label-smoothed loss, as {@code smoothcal interop} does, and writes
 * {@code parity.json}. A mismatch fails the build naming every failed check, unless
 * {@code failOnMismatch} is false (the {@code check} goal then still fails on the parity report it finds).
 *
 * <p>Bound by default to {@code integration-test}, beside {@code evaluate}: both write the reports that
 * {@code check} reads in {@code verify}.
 */
@Mojo(name = "interop", defaultPhase = LifecyclePhase.INTEGRATION_TEST, threadSafe = true)
public class InteropMojo extends SmoothcalMojo {
    /** The run directory written by the {@code train} goal (or {@code smoothcal train}). */
    @Parameter(property = "smoothcal.run", defaultValue = "${project.build.directory}/smoothcal/run")
    File run;

    /** {@code digits} or a dataset path (relative to the project). */
    @Parameter(property = "smoothcal.data", defaultValue = "digits")
    String data;

    /** The split compared on: {@code train} or {@code test}. */
    @Parameter(property = "smoothcal.split", defaultValue = "test")
    String split;

    /** Folder for {@code parity.json}, where {@code check} looks for it by default. */
    @Parameter(property = "smoothcal.interop.output", defaultValue = "${project.build.directory}/smoothcal")
    File outputDirectory;

    /** Batch sizes to run both paths at; default 1, 7 and 256 (one image, an odd size, a full batch). */
    @Parameter
    List<Integer> batchSizes = new ArrayList<>(ParityCheck.DEFAULT_BATCH_SIZES);

    /** Absolute logit tolerance. */
    @Parameter(defaultValue = "1e-4")
    double logitAtol;

    /** Relative logit tolerance. */
    @Parameter(defaultValue = "1e-5")
    double logitRtol;

    /** Absolute probability tolerance. */
    @Parameter(defaultValue = "1e-5")
    double probAtol;

    /** Relative tolerance of the label-smoothed loss. */
    @Parameter(defaultValue = "1e-5")
    double lossRtol;

    /** Whether a mismatch fails the build here; when false it is logged and left in parity.json for {@code check}. */
    @Parameter(property = "smoothcal.interop.failOnMismatch", defaultValue = "true")
    boolean failOnMismatch;

    /** Skips this goal. */
    @Parameter(property = "smoothcal.interop.skip", defaultValue = "false")
    boolean skipInterop;

    /** Creates the goal; Maven sets its parameters from the pom, the command line and the defaults above. */
    public InteropMojo() {
    }

    @Override
    String goal() {
        return "interop";
    }

    @Override
    boolean skipGoal() {
        return skipInterop;
    }

    @Override
    void run() throws MojoFailureException {
        ParityTolerance tolerance = new ParityTolerance(logitAtol, logitRtol, probAtol, lossRtol);
        RunDirectory runDir = RunDirectory.open(resolve(run));
        Dataset dataset = load(data, split);
        getLog().info("smoothcal: comparing TensorFlow and ONNX Runtime on " + dataset.name() + " ("
                + dataset.size() + " images), batch sizes " + batchSizes);
        ParityReport report;
        try (OutputDirectory dir = OutputDirectory.open(resolve(outputDirectory), OutputDirectory.Overwrite.REPLACE)) {
            report = ParityCheck.run(runDir, dataset, tolerance, batchSizes);
            Json.write(dir.staging().resolve(RunDirectory.PARITY_JSON), report);
            dir.commit();
        }
        log(report);
        getLog().info("smoothcal: parity report written to " + resolve(outputDirectory).resolve(RunDirectory.PARITY_JSON));
        if (!report.passed()) {
            String message = "smoothcal interop: the ONNX export of " + runDir.root() + " does not match TensorFlow: "
                    + String.join("; ", report.failures());
            if (failOnMismatch) {
                throw new MojoFailureException(message);
            }
            getLog().warn(message + " (failOnMismatch is false)");
        }
    }

    private void log(ParityReport p) {
        for (ParityReport.BatchParity b : p.batchSizes()) {
            getLog().info(String.format(Locale.ROOT, "smoothcal: %-40s %12.3g %12.3g", "max |logit TF - ONNX|, batch "
                    + b.batchSize(), b.logitsMaxAbsDiff(), p.tolerance().logitAbsolute()));
        }
        getLog().info(String.format(Locale.ROOT, "smoothcal: %-40s %12.3g %12.3g", "max |probability TF - ONNX|",
                p.probabilities().maxAbsDiff(), p.tolerance().probabilityAbsolute()));
        getLog().info(String.format(Locale.ROOT, "smoothcal: %-40s %12s", "argmax agreement",
                p.argmax().agree() + "/" + p.argmax().total()));
        for (ParityReport.LossParity l : p.loss()) {
            getLog().info(String.format(Locale.ROOT, "smoothcal: loss %-10s alpha %.3f  max rel diff %.2g", l.labels(),
                    l.alpha(), l.maxRelativeDiff()));
        }
        for (ParityReport.MethodParity m : p.smoothingMethods()) {
            getLog().info(String.format(Locale.ROOT, "smoothcal: loss %-10s by loss vs by labels  max rel diff %.2g",
                    m.labels(), m.maxRelativeDiff()));
        }
        getLog().info("smoothcal: parity " + (p.passed() ? "PASSED" : "FAILED"));
    }
}
