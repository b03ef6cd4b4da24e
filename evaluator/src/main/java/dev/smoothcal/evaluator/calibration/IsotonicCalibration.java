package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Isotonic regression (Zadrozny and Elkan 2002), one-vs-rest and renormalised, as scikit-learn's
 * {@code CalibratedClassifierCV(method="isotonic")}: for every class k a non-decreasing map of the softmax
 * probability {@code q_k} to [0, 1], then each row divided by its sum (uniform when the sum is 0).
 *
 * <p>Fit (closed form): per class, the non-decreasing step function g minimising
 * {@code sum_i (g(q_ik) - [y_i = k])^2}, by pool-adjacent-violators over the samples sorted by
 * {@code q_ik}, equal scores pooled first (weighted by their count). The map keeps the distinct scores as
 * thresholds with their fitted values, minus every interior threshold whose value equals both neighbours'
 * (which changes no prediction), and interpolates linearly between thresholds; outside
 * {@code [min q, max q]} it is clipped to the end values (scikit-learn's {@code out_of_bounds="clip"}). A
 * class with a single distinct score maps everything to its one fitted value. Apply and export through
 * the shared piecewise map.
 *
 * <p>Scores are rounded to float32 before the fit and before every application: the exported graph
 * computes them in float32, which cannot tell apart scores closer than its resolution (6e-8 just below
 * 1), so scores it would confuse are pooled at fit time rather than mapped to different values. The
 * result is scikit-learn's fit on the float32-rounded scores (scikit-learn further pools scores closer
 * than 1e-15, which float32 scores never are unless equal).
 *
 * @param thresholds per class, the ascending distinct scores kept (at least one each)
 * @param fitted per class, the fitted value at each threshold, non-decreasing, in [0, 1]
 * @serial exclude
 */
public record IsotonicCalibration(List<double[]> thresholds, List<double[]> fitted) implements Calibrator {
    /**
     * Validates the shapes and copies the arrays.
     *
     * @param thresholds per class, the ascending distinct scores kept (at least one each)
     * @param fitted per class, the fitted value at each threshold, non-decreasing, in [0, 1]
     */
    public IsotonicCalibration {
        if (thresholds == null || fitted == null || thresholds.size() < 2 || thresholds.size() != fitted.size()) {
            throw SmoothcalException.defect("isotonic calibration needs thresholds and values for K >= 2 classes");
        }
        thresholds = thresholds.stream().map(double[]::clone).toList();
        fitted = fitted.stream().map(double[]::clone).toList();
        for (int c = 0; c < thresholds.size(); c++) {
            if (thresholds.get(c).length < 1 || thresholds.get(c).length != fitted.get(c).length) {
                throw SmoothcalException.defect("isotonic class " + c + " has no thresholds or a value count "
                        + "that differs from them");
            }
        }
    }

    static FittedCalibrator fit(CalibrationData data) {
        int k = data.numClasses();
        int n = data.size();
        double[] q = Rows.softmax(Rows.widen(data.logits(), n * k), n, k);
        List<double[]> xs = new ArrayList<>();
        List<double[]> ys = new ArrayList<>();
        double squared = 0;
        for (int c = 0; c < k; c++) {
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) q[i * k + c];
                y[i] = data.labels()[i] == c ? 1 : 0;
            }
            double[][] fit = fitClass(x, y);
            xs.add(fit[0]);
            ys.add(fit[1]);
        }
        IsotonicCalibration iso = new IsotonicCalibration(xs, ys);
        PiecewiseMap map = iso.map();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double e = map.map(c, (float) q[i * k + c]) - (data.labels()[i] == c ? 1 : 0);
                squared += e * e;
            }
        }
        double after = Rows.meanNllOfProbabilities(iso.probabilities(data.logits(), n), data.labels(), n, k);
        double before = Rows.meanNllOfLogits(Rows.widen(data.logits(), n * k), data.labels(), n, k);
        return new FittedCalibrator(iso, new CalibrationFit(n, before, after, squared / n, 0,
                CalibrationFit.Convergence.CLOSED_FORM));
    }

    /**
     * Isotonic regression of {@code y} on {@code x}: {@code [thresholds, values]} after pooling ties,
     * pool-adjacent-violators and dropping the redundant interior thresholds.
     */
    static double[][] fitClass(double[] x, double[] y) {
        int n = x.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
        // Distinct scores with their summed targets and counts.
        double[] ux = new double[n];
        double[] sum = new double[n];
        double[] weight = new double[n];
        int m = 0;
        for (int r = 0; r < n; r++) {
            int i = order[r];
            if (m > 0 && x[i] == ux[m - 1]) {
                sum[m - 1] += y[i];
                weight[m - 1] += 1;
            } else {
                ux[m] = x[i];
                sum[m] = y[i];
                weight[m] = 1;
                m++;
            }
        }
        // Pool adjacent violators: blocks of (sum, weight, first index), means non-decreasing.
        double[] blockSum = new double[m];
        double[] blockWeight = new double[m];
        int[] blockStart = new int[m];
        int blocks = 0;
        for (int j = 0; j < m; j++) {
            blockSum[blocks] = sum[j];
            blockWeight[blocks] = weight[j];
            blockStart[blocks] = j;
            blocks++;
            while (blocks > 1 && blockSum[blocks - 2] / blockWeight[blocks - 2]
                    >= blockSum[blocks - 1] / blockWeight[blocks - 1]) {
                blockSum[blocks - 2] += blockSum[blocks - 1];
                blockWeight[blocks - 2] += blockWeight[blocks - 1];
                blocks--;
            }
        }
        double[] fitted = new double[m];
        for (int b = 0; b < blocks; b++) {
            int end = b + 1 < blocks ? blockStart[b + 1] : m;
            Arrays.fill(fitted, blockStart[b], end, blockSum[b] / blockWeight[b]);
        }
        // Keep the ends and every threshold whose value differs from a neighbour's.
        double[] keptX = new double[m];
        double[] keptY = new double[m];
        int kept = 0;
        for (int j = 0; j < m; j++) {
            if (j == 0 || j == m - 1 || fitted[j] != fitted[j - 1] || fitted[j] != fitted[j + 1]) {
                keptX[kept] = ux[j];
                keptY[kept] = fitted[j];
                kept++;
            }
        }
        return new double[][] {Arrays.copyOf(keptX, kept), Arrays.copyOf(keptY, kept)};
    }

    /**
     * A copy of the fitted parameters.
     *
     * @return per class, the thresholds kept
     */
    @Override
    public List<double[]> thresholds() {
        return thresholds.stream().map(double[]::clone).toList();
    }

    /**
     * A copy of the fitted parameters.
     *
     * @return per class, the fitted value at each threshold
     */
    @Override
    public List<double[]> fitted() {
        return fitted.stream().map(double[]::clone).toList();
    }

    /** The shared piecewise form: interpolation between thresholds, clipped to the ends. */
    PiecewiseMap map() {
        int k = numClasses();
        double[] low = new double[k];
        double[] high = new double[k];
        double[][] knots = new double[k][];
        double[][] start = new double[k][];
        double[][] value = new double[k][];
        double[][] slope = new double[k][];
        for (int c = 0; c < k; c++) {
            double[] t = thresholds.get(c);
            double[] y = fitted.get(c);
            int m = t.length;
            low[c] = t[0];
            high[c] = t[m - 1];
            int segments = Math.max(1, m - 1);
            knots[c] = m > 2 ? Arrays.copyOfRange(t, 1, m - 1) : new double[0];
            start[c] = new double[segments];
            value[c] = new double[segments];
            slope[c] = new double[segments];
            for (int s = 0; s < segments; s++) {
                start[c][s] = t[s];
                value[c][s] = y[s];
                slope[c][s] = m == 1 ? 0 : (y[s + 1] - y[s]) / (t[s + 1] - t[s]);
            }
        }
        return new PiecewiseMap(low, high, knots, start, value, slope);
    }

    @Override
    public CalibrationMethod method() {
        return CalibrationMethod.ISOTONIC;
    }

    @Override
    public int numClasses() {
        return thresholds.size();
    }

    @Override
    public double[] probabilities(float[] logits, int n) {
        int k = numClasses();
        return map().apply(rounded(Rows.softmax(Rows.widen(logits, n * k), n, k)), n);
    }

    /** The scores rounded to float32, in place. */
    static double[] rounded(double[] q) {
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) q[i];
        }
        return q;
    }

    @Override
    public SortedMap<String, Object> parameters() {
        return new TreeMap<>(java.util.Map.of(
                "thresholds", thresholds.stream().map(LinearMaps::list).toList(),
                "values", fitted.stream().map(LinearMaps::list).toList()));
    }

    @Override
    public OutputKind writeOnnx(OnnxGraphBuilder graph, String logits, String result) {
        map().write(graph, logits, result);
        return OutputKind.PROBABILITIES;
    }
}
