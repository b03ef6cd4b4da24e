package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;

/**
 * The fits shared by vector scaling, matrix scaling and Dirichlet calibration: calibrated logits
 * {@code z'_j = sum_l W_jl x_l + b_j} of features {@code x} (the logits, or their log-softmax), with W
 * diagonal (vector scaling) or full (matrix scaling, Dirichlet), fitted by minimising
 * {@code mean_i(logsumexp(z'_i) - z'_iy) + λ/(K(K-1)) sum_{j != l} W_jl^2 + μ/K sum_j b_j^2} from
 * {@code W = I, b = 0} (the uncalibrated model). The NLL is convex in (W, b), and so is the penalty.
 *
 * <p>Softmax ignores a constant added to every calibrated logit, so the unpenalised NLL is flat along
 * "add c to every offset" and "add v to every row of W". The NLL's gradient has no component along
 * those directions, so plain conjugate gradient keeps the start's gauge: the offsets sum to 0 and (full
 * form, unpenalised) every column of W sums to 1, which makes the fitted parameters unique.
 */
final class LinearMaps {
    /** Diagonal or full weights. */
    enum Form {
        DIAGONAL, FULL
    }

    /** Weights (K for diagonal, K*K row-major for full), bias (K) and the fit's outcome. */
    record Fitted(double[] weights, double[] bias, Minimiser.Result result) {
    }

    private LinearMaps() {
    }

    static Fitted fit(double[] x, int[] labels, int k, Form form, double lambda, double mu, int maxIterations) {
        int n = labels.length;
        int w = form == Form.DIAGONAL ? k : k * k;
        double[] start = new double[w + k];
        for (int j = 0; j < k; j++) {
            start[form == Form.DIAGONAL ? j : j * k + j] = 1.0;
        }
        double offDiagonal = k > 1 ? lambda / (k * (double) (k - 1)) : 0;
        double intercept = mu / k;
        Minimiser.Objective objective = (theta, gradient) -> {
            java.util.Arrays.fill(gradient, 0.0);
            double[] z = new double[k];
            double loss = 0;
            for (int i = 0; i < n; i++) {
                int row = i * k;
                apply(theta, x, row, k, form, z);
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    max = Math.max(max, z[j]);
                }
                double s = 0;
                for (int j = 0; j < k; j++) {
                    s += Math.exp(z[j] - max);
                }
                double lse = max + Math.log(s);
                loss += lse - z[labels[i]];
                for (int j = 0; j < k; j++) {
                    double g = Math.exp(z[j] - lse) - (j == labels[i] ? 1.0 : 0.0);
                    if (form == Form.DIAGONAL) {
                        gradient[j] += g * x[row + j];
                    } else {
                        int base = j * k;
                        for (int l = 0; l < k; l++) {
                            gradient[base + l] += g * x[row + l];
                        }
                    }
                    gradient[w + j] += g;
                }
            }
            loss /= n;
            for (int p = 0; p < gradient.length; p++) {
                gradient[p] /= n;
            }
            if (form == Form.FULL) {
                for (int j = 0; j < k; j++) {
                    for (int l = 0; l < k; l++) {
                        if (j != l) {
                            double v = theta[j * k + l];
                            loss += offDiagonal * v * v;
                            gradient[j * k + l] += 2 * offDiagonal * v;
                        }
                    }
                }
                for (int j = 0; j < k; j++) {
                    double b = theta[w + j];
                    loss += intercept * b * b;
                    gradient[w + j] += 2 * intercept * b;
                }
            }
            return loss;
        };
        Minimiser.Result result = Minimiser.minimise(objective, start, maxIterations);
        double[] theta = result.point();
        for (double v : theta) {
            if (!Double.isFinite(v)) {
                throw SmoothcalException.checkFailed("the " + form.name().toLowerCase(java.util.Locale.ROOT)
                        + " calibration fit diverged (a parameter became " + v + ")");
            }
        }
        return new Fitted(java.util.Arrays.copyOf(theta, w), java.util.Arrays.copyOfRange(theta, w, w + k), result);
    }

    /** Calibrated logits of all rows: {@code z'_i = W x_i + b}. */
    static double[] logits(double[] weights, double[] bias, double[] x, int n, int k, Form form) {
        double[] theta = new double[weights.length + k];
        System.arraycopy(weights, 0, theta, 0, weights.length);
        System.arraycopy(bias, 0, theta, weights.length, k);
        double[] out = new double[n * k];
        double[] z = new double[k];
        for (int i = 0; i < n; i++) {
            apply(theta, x, i * k, k, form, z);
            System.arraycopy(z, 0, out, i * k, k);
        }
        return out;
    }

    private static void apply(double[] theta, double[] x, int row, int k, Form form, double[] z) {
        int w = form == Form.DIAGONAL ? k : k * k;
        for (int j = 0; j < k; j++) {
            double v = theta[w + j];
            if (form == Form.DIAGONAL) {
                v += theta[j] * x[row + j];
            } else {
                int base = j * k;
                for (int l = 0; l < k; l++) {
                    v += theta[base + l] * x[row + l];
                }
            }
            z[j] = v;
        }
    }

    static CalibrationFit.Convergence convergence(Minimiser.Result result) {
        return result.converged() ? CalibrationFit.Convergence.CONVERGED : CalibrationFit.Convergence.ITERATION_LIMIT;
    }

    static float[] floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    static java.util.List<Double> list(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
