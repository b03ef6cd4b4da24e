package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Temperature scaling as a {@link Calibrator}: {@code p = softmax(z / T)}. The fit is
 * {@link TemperatureScaling#fit} unchanged (Brent on ln T over [0.05, 20], minimum NLL); see there for the
 * objective and its edges. Export: one {@code Div} by a scalar initialiser.
 *
 * @param numClasses K, at least 2
 * @param temperature T, finite and &gt; 0
 * @serial exclude
 */
public record TemperatureCalibrator(int numClasses, double temperature) implements Calibrator {
    /**
     * Validates K and T.
     *
     * @param numClasses K, at least 2
     * @param temperature T, finite and &gt; 0
     */
    public TemperatureCalibrator {
        if (numClasses < 2) {
            throw SmoothcalException.invalid("numClasses", "must be at least 2, found " + numClasses);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new SmoothcalException("temperature must be a finite number > 0, found " + temperature);
        }
    }

    static FittedCalibrator fit(CalibrationData data) {
        TemperatureFit t = TemperatureScaling.fit(data.logits(), data.labels(), data.size(), data.numClasses());
        CalibrationFit.Convergence convergence = t.position() == TemperatureFit.Position.INSIDE
                ? CalibrationFit.Convergence.CONVERGED : CalibrationFit.Convergence.AT_BRACKET_END;
        return new FittedCalibrator(new TemperatureCalibrator(data.numClasses(), t.temperature()),
                new CalibrationFit(t.samples(), t.nllUntempered(), t.nllTempered(), t.nllTempered(), 0, convergence));
    }

    @Override
    public CalibrationMethod method() {
        return CalibrationMethod.TEMPERATURE;
    }

    @Override
    public double[] probabilities(float[] logits, int n) {
        return TemperatureScaling.temperedProbabilities(logits, n, numClasses, temperature);
    }

    @Override
    public SortedMap<String, Object> parameters() {
        return new TreeMap<>(java.util.Map.of("temperature", temperature));
    }

    @Override
    public OutputKind writeOnnx(OnnxGraphBuilder graph, String logits, String result) {
        return writeDivision(graph, logits, result, temperature);
    }

    static OutputKind writeDivision(OnnxGraphBuilder graph, String logits, String result, double t) {
        graph.initializer(result + "_temperature", new float[] {(float) t});
        graph.node("Div", List.of(logits, result + "_temperature"), result);
        return OutputKind.LOGITS;
    }
}
