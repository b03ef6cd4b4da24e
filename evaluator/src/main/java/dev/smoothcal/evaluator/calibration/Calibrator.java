package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import java.util.SortedMap;

/**
 * A fitted post-hoc calibrator of a K-class classifier: a map from the model's logits {@code z} (K per
 * image; {@code ln(max(p, 1e-12))} for a model that outputs probabilities) to calibrated probabilities.
 * Every calibrator has the same three operations, so adding one is one new permitted type plus one
 * constant of {@link CalibrationMethod} (its fit), and the compiler finds every place that must know it:
 *
 * <ul>
 *   <li>fit: {@link CalibrationMethod#fit(CalibrationData, CalibrationSettings)};</li>
 *   <li>apply: {@link #probabilities(float[], int)}, in double precision;</li>
 *   <li>export: {@link #writeOnnx(OnnxGraphBuilder, String, String)}, the same map as ONNX nodes (opset 17),
 *       which {@link CalibratedModel#withCalibrator} appends to a model's graph.</li>
 * </ul>
 *
 * <p>Serializable (every one is a record of numbers) so that a fit on one JVM is applied on others: the
 * Spark executors of {@code smoothcal-spark}.
 */
public sealed interface Calibrator extends java.io.Serializable permits TemperatureCalibrator, VectorScaling,
        MatrixScaling, DirichletCalibration, PlattScaling, HistogramBinning, IsotonicCalibration {

    /**
     * What kind of calibrator this is.
     *
     * @return its method
     */
    CalibrationMethod method();

    /**
     * The number of classes the calibrator was fitted for.
     *
     * @return K, at least 2
     */
    int numClasses();

    /**
     * Calibrated probabilities of {@code n} rows of logits, in double precision; each row sums to 1.
     *
     * @param logits row-major {@code [n, K]} (or longer; the rest is ignored)
     * @param n rows
     * @return row-major {@code [n, K]} probabilities
     */
    double[] probabilities(float[] logits, int n);

    /**
     * The fitted parameters by name (numbers, or lists of numbers, row-major for matrices), as
     * {@code report.json} and the exported model's metadata show them.
     *
     * @return parameter name to value, in name order
     */
    SortedMap<String, Object> parameters();

    /**
     * Writes this calibrator into an ONNX graph: nodes that read the float {@code [N, K]} logits named
     * {@code logits} and define the value {@code result}, float {@code [N, K]}.
     *
     * @param graph the graph being built (names it defines start with {@code result})
     * @param logits the input value, already defined in {@code graph}
     * @param result the name to define
     * @return whether {@code result} holds logits (any values whose softmax is the calibrated
     *     distribution) or probabilities
     */
    OutputKind writeOnnx(OnnxGraphBuilder graph, String logits, String result);
}
