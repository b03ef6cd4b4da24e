package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Histogram binning (Zadrozny and Elkan 2001), one-vs-rest: for every class k the softmax probability
 * {@code q_k} is replaced by the share of class-k labels among the fit samples in its bin, then the row is
 * renormalised (uniform when every class maps to 0).
 *
 * <p>Bins: B equal-width bins as {@link dev.smoothcal.core.metrics.MetricsAccumulator}'s, bin b covering
 * {@code (b/B, (b+1)/B]} and bin 0 also holding 0. Fit (closed form, the minimiser of the squared error
 * and of the NLL of each class's one-vs-rest problem among piecewise-constant maps on these bins): the
 * value of bin b of class k is {@code #{i in b : y_i = k} / #{i in b}}; an empty bin keeps its centre
 * {@code (b + 0.5)/B}, so a probability never seen is left about where it was. Apply and export through
 * the shared piecewise map (a bin lookup by {@code Less}/{@code ReduceSum} and {@code Gather}). A
 * probability within float rounding of a bin edge can land in the neighbouring bin in the float32
 * export, which then differs by that bin step.
 *
 * @param bins B, in [1, 1000]
 * @param values K*B bin values, class-major: {@code values[k * B + b]}, each in [0, 1]
 * @serial exclude
 */
public record HistogramBinning(int bins, double[] values) implements Calibrator {
    /**
     * Validates the shape and copies the values.
     *
     * @param bins B, in [1, 1000]
     * @param values K*B bin values, class-major: {@code values[k * B + b]}, each in [0, 1]
     */
    public HistogramBinning {
        if (bins < 1 || values == null || values.length < 2 * bins || values.length % bins != 0) {
            throw SmoothcalException.defect("histogram binning needs B >= 1 bins for K >= 2 classes");
        }
        values = values.clone();
    }

    static FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
        int k = data.numClasses();
        int n = data.size();
        int bins = settings.histogramBins();
        double[] q = Rows.softmax(Rows.widen(data.logits(), n * k), n, k);
        long[] counts = new long[k * bins];
        long[] hits = new long[k * bins];
        PiecewiseMap finder = new HistogramBinning(bins, new double[k * bins]).map();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                int b = finder.segment(c, q[i * k + c]);
                counts[c * bins + b]++;
                hits[c * bins + b] += data.labels()[i] == c ? 1 : 0;
            }
        }
        double[] values = new double[k * bins];
        for (int c = 0; c < k; c++) {
            for (int b = 0; b < bins; b++) {
                int cell = c * bins + b;
                values[cell] = counts[cell] == 0 ? (b + 0.5) / bins : (double) hits[cell] / counts[cell];
            }
        }
        HistogramBinning h = new HistogramBinning(bins, values);
        double after = Rows.meanNllOfProbabilities(h.probabilities(data.logits(), n), data.labels(), n, k);
        double before = Rows.meanNllOfLogits(Rows.widen(data.logits(), n * k), data.labels(), n, k);
        return new FittedCalibrator(h, new CalibrationFit(n, before, after, after, 0,
                CalibrationFit.Convergence.CLOSED_FORM));
    }

    /**
     * A copy of the fitted parameters.
     *
     * @return the K*B bin values, class-major
     */
    @Override
    public double[] values() {
        return values.clone();
    }

    /** The shared piecewise form: knots at b/B, constant pieces. */
    PiecewiseMap map() {
        int k = numClasses();
        double[] low = new double[k];
        double[] high = new double[k];
        double[][] knots = new double[k][bins - 1];
        double[][] start = new double[k][bins];
        double[][] value = new double[k][bins];
        double[][] slope = new double[k][bins];
        for (int c = 0; c < k; c++) {
            high[c] = 1.0;
            for (int j = 1; j < bins; j++) {
                knots[c][j - 1] = (double) j / bins;
            }
            System.arraycopy(values, c * bins, value[c], 0, bins);
        }
        return new PiecewiseMap(low, high, knots, start, value, slope);
    }

    @Override
    public CalibrationMethod method() {
        return CalibrationMethod.HISTOGRAM;
    }

    @Override
    public int numClasses() {
        return values.length / bins;
    }

    @Override
    public double[] probabilities(float[] logits, int n) {
        int k = numClasses();
        return map().apply(Rows.softmax(Rows.widen(logits, n * k), n, k), n);
    }

    @Override
    public SortedMap<String, Object> parameters() {
        List<List<Double>> perClass = new ArrayList<>();
        for (int c = 0; c < numClasses(); c++) {
            perClass.add(LinearMaps.list(java.util.Arrays.copyOfRange(values, c * bins, (c + 1) * bins)));
        }
        return new TreeMap<>(java.util.Map.of("bins", bins, "values", perClass));
    }

    @Override
    public OutputKind writeOnnx(OnnxGraphBuilder graph, String logits, String result) {
        map().write(graph, logits, result);
        return OutputKind.PROBABILITIES;
    }
}
