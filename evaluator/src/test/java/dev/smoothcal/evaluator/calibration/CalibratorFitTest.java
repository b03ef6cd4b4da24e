package dev.smoothcal.evaluator.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every calibrator's fit against a closed form or a second, independent implementation written here:
 * parameters recovered from labels drawn from a known calibration map (vector, matrix, Dirichlet), the
 * independent objective's numerical gradient vanishing at the fit, Newton's method for Platt's
 * objective, the max-min formula of isotonic regression, and bin shares counted directly for histograms.
 */
class CalibratorFitTest {

    /** Logits z ~ N(0, spread²) per class, labels drawn from softmax(map(z)). */
    private record Drawn(float[] z, int[] labels) {
    }

    private interface TrueMap {
        double[] apply(double[] z);
    }

    private static Drawn draw(int n, int k, double spread, long seed, TrueMap map) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] z = new float[n * k];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double[] row = new double[k];
            for (int j = 0; j < k; j++) {
                z[i * k + j] = (float) (rng.nextGaussian() * spread);
                row[j] = z[i * k + j];
            }
            double[] p = softmax(map.apply(row));
            double u = rng.nextDouble();
            int y = k - 1;
            for (int j = 0, acc = 0; j < k; j++) {
                u -= p[j];
                if (u < 0) {
                    y = j;
                    break;
                }
            }
            labels[i] = y;
        }
        return new Drawn(z, labels);
    }

    private static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double s = 0;
        double[] p = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            p[j] = Math.exp(z[j] - max);
            s += p[j];
        }
        for (int j = 0; j < z.length; j++) {
            p[j] /= s;
        }
        return p;
    }

    /** Mean NLL of softmax(W x + b) (W row-major K x K), written independently of the main code. */
    private static double matrixNll(double[] w, double[] b, double[][] x, int[] labels) {
        int k = b.length;
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double[] z = new double[k];
            for (int j = 0; j < k; j++) {
                z[j] = b[j];
                for (int l = 0; l < k; l++) {
                    z[j] += w[j * k + l] * x[i][l];
                }
            }
            sum -= Math.log(softmax(z)[labels[i]]);
        }
        return sum / labels.length;
    }

    private static double[][] rows(float[] z, int n, int k, boolean logSoftmax) {
        double[][] x = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                x[i][j] = z[i * k + j];
            }
            if (logSoftmax) {
                double[] p = softmax(x[i]);
                for (int j = 0; j < k; j++) {
                    x[i][j] = Math.log(p[j]);
                }
            }
        }
        return x;
    }

    @Test
    void vectorScalingRecoversPerClassScales() {
        double[] s = {0.5, 1.5, 2.5};
        double[] b = {0.4, -0.3, 0.2};
        Drawn d = draw(40_000, 3, 1.5, 1, z -> new double[] {s[0] * z[0] + b[0], s[1] * z[1] + b[1],
                s[2] * z[2] + b[2]});
        FittedCalibrator f = CalibrationMethod.VECTOR.fit(new CalibrationData(d.z, d.labels, 3),
                CalibrationSettings.DEFAULTS);
        VectorScaling v = (VectorScaling) f.calibrator();
        assertEquals(CalibrationFit.Convergence.CONVERGED, f.fit().convergence());
        // Stationary point of the independently written objective.
        double[] w = new double[9];
        for (int j = 0; j < 3; j++) {
            w[j * 3 + j] = v.scale()[j];
        }
        double[][] x = rows(d.z, d.labels.length, 3, false);
        assertEquals(f.fit().nllAfter(), matrixNll(w, v.bias(), x, d.labels), 1e-12);
        for (int j = 0; j < 3; j++) {
            double h = 1e-5;
            double[] up = w.clone();
            double[] down = w.clone();
            up[j * 3 + j] += h;
            down[j * 3 + j] -= h;
            double g = (matrixNll(up, v.bias(), x, d.labels) - matrixNll(down, v.bias(), x, d.labels)) / (2 * h);
            assertEquals(0.0, g, 1e-6, "d NLL / d s_" + j);
        }
        // Sampling noise of 40,000 draws: a few hundredths.
        assertArrayEquals(s, v.scale(), 0.1, "scales");
        // The offsets are identified up to a common shift, which the fit keeps at its start (sum 0).
        double mean = (b[0] + b[1] + b[2]) / 3;
        assertArrayEquals(new double[] {b[0] - mean, b[1] - mean, b[2] - mean}, v.bias(), 0.05, "offsets");
        assertEquals(0.0, v.bias()[0] + v.bias()[1] + v.bias()[2], 1e-9);
        assertTrue(f.fit().nllAfter() < f.fit().nllBefore());
    }

    @Test
    void matrixScalingRecoversAKnownMatrixWithoutPenalty() {
        int k = 3;
        double[] w = {1.2, 0.3, -0.2, -0.4, 0.8, 0.5, 0.1, -0.3, 1.5};
        double[] b = {0.2, -0.1, 0.3};
        Drawn d = draw(60_000, k, 1.5, 2, z -> linear(w, b, z));
        FittedCalibrator f = CalibrationMethod.MATRIX.fit(new CalibrationData(d.z, d.labels, k),
                CalibrationSettings.DEFAULTS.withOdir(0, 0));
        MatrixScaling m = (MatrixScaling) f.calibrator();
        assertEquals(CalibrationFit.Convergence.CONVERGED, f.fit().convergence());
        // Softmax ignores a vector added to every row of W (and a constant added to b): the fit keeps the
        // column sums of its start (1) and the offsets' sum (0); compare with W and b shifted the same way.
        assertArrayEquals(columnShifted(w, k, 1.0), m.weights(), 0.07, "weights");
        assertArrayEquals(shifted(b), m.bias(), 0.05, "offsets");
        double[][] x = rows(d.z, d.labels.length, k, false);
        assertEquals(f.fit().nllAfter(), matrixNll(m.weights(), m.bias(), x, d.labels), 1e-12);
        assertStationary(m.weights(), m.bias(), x, d.labels);
    }

    @Test
    void odirPenaltyShrinksTheOffDiagonalAndNeverLosesToVectorScaling() {
        int k = 4;
        Drawn d = draw(5_000, k, 2.0, 3, z -> new double[] {z[0] / 2, z[1] / 2, z[2] / 3 + 0.2, z[3]});
        CalibrationData data = new CalibrationData(d.z, d.labels, k);
        CalibrationSettings settings = CalibrationSettings.DEFAULTS.withOdir(0.1, 0.1);
        FittedCalibrator matrix = CalibrationMethod.MATRIX.fit(data, settings);
        VectorScaling vector = (VectorScaling) CalibrationMethod.VECTOR.fit(data, settings).calibrator();
        // Vector scaling is the matrix family's diagonal: its NLL plus the intercept penalty bounds the
        // penalised matrix objective from above.
        double[] diag = new double[k * k];
        double penalty = 0;
        for (int j = 0; j < k; j++) {
            diag[j * k + j] = vector.scale()[j];
            penalty += 0.1 / k * vector.bias()[j] * vector.bias()[j];
        }
        double[][] x = rows(d.z, d.labels.length, k, false);
        assertTrue(matrix.fit().objective() <= matrixNll(diag, vector.bias(), x, d.labels) + penalty + 1e-12);
        FittedCalibrator heavy = CalibrationMethod.MATRIX.fit(data, CalibrationSettings.DEFAULTS.withOdir(1e4, 0));
        double[] w = ((MatrixScaling) heavy.calibrator()).weights();
        for (int j = 0; j < k; j++) {
            for (int l = 0; l < k; l++) {
                if (j != l) {
                    assertEquals(0.0, w[j * k + l], 1e-3, "off-diagonal " + j + "," + l + " under a heavy λ");
                }
            }
        }
    }

    @Test
    void dirichletRecoversAKnownMapOfLogProbabilities() {
        int k = 3;
        double[] w = {1.5, 0.2, 0.0, 0.3, 0.7, -0.2, 0.0, 0.4, 1.1};
        double[] b = {0.1, 0.3, -0.4};
        Drawn d = draw(60_000, k, 1.5, 4, z -> {
            double[] q = softmax(z);
            double[] lq = {Math.log(q[0]), Math.log(q[1]), Math.log(q[2])};
            return linear(w, b, lq);
        });
        FittedCalibrator f = CalibrationMethod.DIRICHLET.fit(new CalibrationData(d.z, d.labels, k),
                CalibrationSettings.DEFAULTS.withOdir(0, 0));
        DirichletCalibration c = (DirichletCalibration) f.calibrator();
        assertArrayEquals(columnShifted(w, k, 1.0), c.weights(), 0.08, "weights");
        assertArrayEquals(shifted(b), c.bias(), 0.06, "offsets");
        assertStationary(c.weights(), c.bias(), rows(d.z, d.labels.length, k, true), d.labels);
    }

    @Test
    void temperatureKeepsTheNumbersOfTemperatureScaling() {
        Drawn d = draw(3_000, 4, 2.0, 5, z -> new double[] {z[0] / 2.5, z[1] / 2.5, z[2] / 2.5, z[3] / 2.5});
        FittedCalibrator f = CalibrationMethod.TEMPERATURE.fit(new CalibrationData(d.z, d.labels, 4),
                CalibrationSettings.DEFAULTS);
        TemperatureFit t = TemperatureScaling.fit(d.z, d.labels, d.labels.length, 4);
        assertEquals(t.temperature(), ((TemperatureCalibrator) f.calibrator()).temperature(), 0.0);
        assertEquals(t.nllTempered(), f.fit().nllAfter(), 0.0);
        assertEquals(t.nllUntempered(), f.fit().nllBefore(), 0.0);
        assertArrayEquals(TemperatureScaling.temperedProbabilities(d.z, 10, 4, t.temperature()),
                f.calibrator().probabilities(d.z, 10), 0.0);
    }

    @Test
    void plattMatchesNewtonOnPlattsObjective() {
        Drawn d = draw(4_000, 2, 2.0, 6, z -> new double[] {0, 0.6 * (z[1] - z[0]) - 0.4});
        FittedCalibrator f = CalibrationMethod.PLATT.fit(new CalibrationData(d.z, d.labels, 2),
                CalibrationSettings.DEFAULTS);
        PlattScaling p = (PlattScaling) f.calibrator();
        // Newton's method on the same objective, written here: Platt's smoothed targets.
        int n = d.labels.length;
        int positives = 0;
        for (int y : d.labels) {
            positives += y;
        }
        double[] s = new double[n];
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = (double) d.z[2 * i + 1] - d.z[2 * i];
            t[i] = d.labels[i] == 1 ? (positives + 1.0) / (positives + 2.0) : 1.0 / (n - positives + 2.0);
        }
        double a = 0;
        double c = 0;
        for (int iteration = 0; iteration < 50; iteration++) {
            double ga = 0;
            double gc = 0;
            double haa = 0;
            double hac = 0;
            double hcc = 0;
            for (int i = 0; i < n; i++) {
                double q = 1 / (1 + Math.exp(-(a * s[i] + c)));
                ga += (q - t[i]) * s[i];
                gc += q - t[i];
                double v = q * (1 - q);
                haa += v * s[i] * s[i];
                hac += v * s[i];
                hcc += v;
            }
            double det = haa * hcc - hac * hac;
            a -= (hcc * ga - hac * gc) / det;
            c -= (haa * gc - hac * ga) / det;
        }
        assertEquals(a, p.slope(), 1e-6, "slope");
        assertEquals(c, p.intercept(), 1e-6, "intercept");
        assertEquals(0.6, p.slope(), 0.08, "labels drawn with slope 0.6");
        double[] probabilities = p.probabilities(d.z, 3);
        for (int i = 0; i < 3; i++) {
            double u = p.slope() * s[i] + p.intercept();
            assertEquals(1 / (1 + Math.exp(-u)), probabilities[2 * i + 1], 1e-15);
            assertEquals(1.0, probabilities[2 * i] + probabilities[2 * i + 1], 1e-15);
        }
    }

    @Test
    void plattRefusesMoreThanTwoClasses() {
        Drawn d = draw(50, 3, 1.0, 7, z -> z);
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> CalibrationMethod.PLATT.fit(new CalibrationData(d.z, d.labels, 3), CalibrationSettings.DEFAULTS));
        assertEquals("calibrators", e.parameter().orElse(null));
        assertTrue(e.getMessage().contains("found 3"), e.getMessage());
    }

    @Test
    void isotonicEqualsTheMaxMinFormula() {
        int k = 3;
        // Coarse logits make ties, which must be pooled before the fit.
        Drawn d = draw(600, k, 1.0, 8, z -> new double[] {2 * z[0], z[1], 0.5 * z[2]});
        for (int i = 0; i < d.z.length; i++) {
            d.z[i] = Math.round(d.z[i] * 8) / 8f;
        }
        IsotonicCalibration iso = (IsotonicCalibration) CalibrationMethod.ISOTONIC.fit(
                new CalibrationData(d.z, d.labels, k), CalibrationSettings.DEFAULTS).calibrator();
        PiecewiseMap map = iso.map();
        int n = d.labels.length;
        // The scores themselves as the fit computed them, so that ties are the same ties.
        double[] flat = IsotonicCalibration.rounded(Rows.softmax(Rows.widen(d.z, n * k), n, k));
        double[][] q = new double[n][];
        for (int i = 0; i < n; i++) {
            q[i] = java.util.Arrays.copyOfRange(flat, i * k, i * k + k);
        }
        for (int c = 0; c < k; c++) {
            // Distinct scores with summed targets and counts.
            java.util.TreeMap<Double, double[]> pooled = new java.util.TreeMap<>();
            for (int i = 0; i < n; i++) {
                double[] cell = pooled.computeIfAbsent(q[i][c], x -> new double[2]);
                cell[0] += d.labels[i] == c ? 1 : 0;
                cell[1] += 1;
            }
            double[] xs = pooled.keySet().stream().mapToDouble(Double::doubleValue).toArray();
            double[][] cells = pooled.values().toArray(new double[0][]);
            int m = xs.length;
            assertTrue(m < n, "ties exist");
            for (int i = 0; i < m; i++) {
                // g(x_i) = max_{j <= i} min_{l >= i} mean(y over distinct scores j..l), weighted.
                double best = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double worst = Double.POSITIVE_INFINITY;
                    double sum = 0;
                    double weight = 0;
                    for (int l = j; l < m; l++) {
                        sum += cells[l][0];
                        weight += cells[l][1];
                        if (l >= i) {
                            worst = Math.min(worst, sum / weight);
                        }
                    }
                    best = Math.max(best, worst);
                }
                assertEquals(best, map.map(c, xs[i]), 1e-12, "class " + c + " at score " + xs[i]);
            }
            // Clipped outside the fitted range.
            assertEquals(map.map(c, xs[0]), map.map(c, -1.0), 0.0);
            assertEquals(map.map(c, xs[m - 1]), map.map(c, 2.0), 0.0);
        }
        double[] p = iso.probabilities(d.z, n);
        for (int i = 0; i < n; i++) {
            assertEquals(1.0, p[i * k] + p[i * k + 1] + p[i * k + 2], 1e-12, "renormalised row " + i);
        }
    }

    @Test
    void histogramBinsHoldTheLabelShareOfTheirSamples() {
        int k = 2;
        int bins = 5;
        Drawn d = draw(2_000, k, 1.5, 9, z -> new double[] {0, 2 * (z[1] - z[0])});
        HistogramBinning h = (HistogramBinning) CalibrationMethod.HISTOGRAM.fit(new CalibrationData(d.z, d.labels, k),
                CalibrationSettings.DEFAULTS.withHistogramBins(bins)).calibrator();
        double[] hits = new double[k * bins];
        double[] counts = new double[k * bins];
        for (int i = 0; i < d.labels.length; i++) {
            double[] q = softmax(new double[] {d.z[2 * i], d.z[2 * i + 1]});
            for (int c = 0; c < k; c++) {
                // (b/B, (b+1)/B], 0 in the first bin.
                int b = Math.max(0, Math.min(bins - 1, (int) Math.ceil(q[c] * bins) - 1));
                counts[c * bins + b]++;
                hits[c * bins + b] += d.labels[i] == c ? 1 : 0;
            }
        }
        double[] values = h.values();
        for (int cell = 0; cell < k * bins; cell++) {
            double expected = counts[cell] == 0 ? (cell % bins + 0.5) / bins : hits[cell] / counts[cell];
            assertEquals(expected, values[cell], 1e-15, "cell " + cell);
        }
    }

    private static double[] linear(double[] w, double[] b, double[] x) {
        int k = b.length;
        double[] z = new double[k];
        for (int j = 0; j < k; j++) {
            z[j] = b[j];
            for (int l = 0; l < k; l++) {
                z[j] += w[j * k + l] * x[l];
            }
        }
        return z;
    }

    /** W plus the same vector in every row, chosen so each column sums to {@code columnSum}. */
    private static double[] columnShifted(double[] w, int k, double columnSum) {
        double[] out = w.clone();
        for (int l = 0; l < k; l++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += w[j * k + l];
            }
            for (int j = 0; j < k; j++) {
                out[j * k + l] += (columnSum - s) / k;
            }
        }
        return out;
    }

    private static double[] shifted(double[] b) {
        double mean = 0;
        for (double v : b) {
            mean += v / b.length;
        }
        double[] out = b.clone();
        for (int j = 0; j < b.length; j++) {
            out[j] -= mean;
        }
        return out;
    }

    private static void assertStationary(double[] w, double[] b, double[][] x, int[] labels) {
        double h = 1e-5;
        for (int p = 0; p < w.length; p++) {
            double[] up = w.clone();
            double[] down = w.clone();
            up[p] += h;
            down[p] -= h;
            double g = (matrixNll(up, b, x, labels) - matrixNll(down, b, x, labels)) / (2 * h);
            assertEquals(0.0, g, 1e-6, "d NLL / d W[" + p + "]");
        }
    }
}
