package dev.smoothcal.junit;

import java.nio.file.Path;

/**
 * Entry points of the assertions; import them statically.
 *
 * <pre>{@code
 * import static dev.smoothcal.junit.SmoothcalAssertions.assertThatModel;
 *
 * assertThatModel(Path.of("target/run/model.onnx")).on(test)
 *         .hasAccuracyAtLeast(0.95)
 *         .hasExpectedCalibrationErrorAtMost(0.05);
 * }</pre>
 */
public final class SmoothcalAssertions {
    private SmoothcalAssertions() {
    }

    /**
     * Assertions on any ONNX classifier, evaluated when data is given with {@link ModelAssert#on}.
     *
     * @param model an {@code .onnx} file or a run directory holding {@code model.onnx}
     * @return the model's assertions
     */
    public static ModelAssert assertThatModel(Path model) {
        return new ModelAssert(model);
    }

    /**
     * Assertions on a smoothcal run directory: parity of its SavedModel and its ONNX export. Needs
     * {@code smoothcal-interop} (and so TensorFlow) on the test class path.
     *
     * @param run a run directory written by training
     * @return the run's assertions
     */
    public static RunAssert assertThatRun(Path run) {
        return new RunAssert(run);
    }
}
