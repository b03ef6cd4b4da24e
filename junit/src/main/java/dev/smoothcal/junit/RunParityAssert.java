package dev.smoothcal.junit;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.interop.ParityCheck;
import dev.smoothcal.interop.ParityReport;
import dev.smoothcal.interop.ParityTolerance;
import org.assertj.core.api.AbstractAssert;

/** Assertions that a run's ONNX export computes what its TensorFlow model computes. */
public final class RunParityAssert extends AbstractAssert<RunParityAssert, RunDirectory> {
    private final Dataset data;
    private ParityReport report;

    RunParityAssert(RunDirectory run, Dataset data) {
        super(run, RunParityAssert.class);
        this.data = data;
    }

    /**
     * Checks parity at the default tolerances ({@link ParityTolerance#DEFAULT}) and batch sizes
     * ({@link ParityCheck#DEFAULT_BATCH_SIZES}): logits, probabilities, arg-max and the label-smoothed loss.
     *
     * @return this, for chaining
     */
    public RunParityAssert hasOnnxExportMatchingTensorFlow() {
        return hasOnnxExportMatchingTensorFlow(ParityTolerance.DEFAULT);
    }

    /**
     * Checks parity within {@code tolerance} at the default batch sizes.
     *
     * @param tolerance the bounds of each comparison
     * @return this, for chaining
     */
    public RunParityAssert hasOnnxExportMatchingTensorFlow(ParityTolerance tolerance) {
        isNotNull();
        report = ParityCheck.run(actual, data, tolerance, ParityCheck.DEFAULT_BATCH_SIZES);
        if (!report.passed()) {
            StringBuilder m = new StringBuilder("Expected the ONNX export of run " + actual.root() + " to match its "
                    + "TensorFlow model on " + data.name() + " (" + data.size() + " images), but "
                    + report.failures().size() + " check(s) failed:");
            for (String f : report.failures()) {
                m.append(System.lineSeparator()).append("  ").append(f);
            }
            failWithMessage("%s", m.toString());
        }
        return this;
    }

    /**
     * The parity report of the last check made, for checks of one's own.
     *
     * @return the report, as parity.json would hold it; null before a check
     */
    public ParityReport report() {
        return report;
    }
}
