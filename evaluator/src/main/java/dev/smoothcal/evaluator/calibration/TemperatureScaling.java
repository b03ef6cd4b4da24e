package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.core.metrics.MetricsAccumulator;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.optim.univariate.UnivariatePointValuePair;

/**
 * Temperature scaling (Guo et al. 2017): one scalar T &gt; 0 divides every logit, {@code p = softmax(z / T)}.
 * T &gt; 1 softens an over-confident model, T &lt; 1 sharpens an under-confident one; the arg-max, and so the
 * accuracy, never changes.
 *
 * <p>Fit: T minimises the mean negative log-likelihood on a held-out split,
 * {@code NLL(T) = mean_i( logsumexp_k(z_ik / T) - z_iy / T )}, computed in double precision without any
 * clamp. With {@code b = 1/T} the NLL is convex in b, so it has one minimum on any interval, and
 * Commons Math's {@link BrentOptimizer} searching {@code u = ln T} over
 * {@code [ln 0.05, ln 20]} (T in [{@value #MIN_TEMPERATURE}, {@value #MAX_TEMPERATURE}]) finds it to a relative
 * accuracy of about 1e-9 in T. A minimum at an end of the bracket is reported as such
 * ({@link TemperatureFit.Position}).
 *
 * <p>Logits: for a model that outputs logits they are used as they are. For a model that outputs
 * probabilities, {@code z = ln(max(p, 1e-12))} serves as logits: {@code softmax(ln p / T)} is proportional
 * to {@code p^(1/T)}, the tempered distribution, and the clamp is the one of the NLL in
 * {@link MetricsAccumulator}.
 *
 * <p>Memory: the fit keeps all logits of the fit split in memory ({@code 4 * N * K} bytes: 400 kB for
 * 10,000 images of 10 classes, 40 MB for 10,000 images of 1,000 classes); the fit split is expected to
 * be a modest held-out set. The evaluated split is still streamed.
 */
public final class TemperatureScaling {
    /** Lower end of the searched bracket. */
    public static final double MIN_TEMPERATURE = 0.05;
    /** Upper end of the searched bracket. */
    public static final double MAX_TEMPERATURE = 20.0;
    /** Smallest probability before the logarithm when a probabilities output stands in for logits. */
    public static final double PROBABILITY_FLOOR = MetricsAccumulator.NLL_EPSILON;

    private TemperatureScaling() {
    }

    /**
     * Fits T on {@code n} rows of {@code k} logits.
     *
     * @param logits row-major {@code [n, k]}, finite
     * @param labels {@code n} labels in [0, k)
     * @param n rows, at least 1
     * @param k classes, at least 2
     * @return T with the NLL before and after it, and whether T stopped at an end of the bracket
     * @throws SmoothcalException for n &lt; 1, k &lt; 2, a non-finite logit or a label out of range
     */
    public static TemperatureFit fit(float[] logits, int[] labels, int n, int k) {
        check(logits, labels, n, k);
        return fit(t -> meanNll(logits, labels, n, k, t), n);
    }

    /**
     * The same search as {@link #fit(float[], int[], int, int)} on a mean NLL computed elsewhere (for example
     * over the partitions of a Spark job, from {@link #nllSum} of each): given the same values it takes the
     * same steps to the same T.
     *
     * @param meanNll the mean NLL of the fit split at a temperature T &gt; 0, as {@link #meanNll} computes it
     * @param n the fit split's samples, at least 1 (reported only)
     * @return T with the NLL before and after it, and whether T stopped at an end of the bracket
     */
    public static TemperatureFit fit(DoubleUnaryOperator meanNll, int n) {
        UnivariateObjectiveFunction objective = new UnivariateObjectiveFunction(
                u -> meanNll.applyAsDouble(Math.exp(u)));
        double lo = Math.log(MIN_TEMPERATURE);
        double hi = Math.log(MAX_TEMPERATURE);
        UnivariatePointValuePair best = new BrentOptimizer(1e-10, 1e-12).optimize(new MaxEval(500), objective,
                GoalType.MINIMIZE, new SearchInterval(lo, hi, 0.0));
        // Brent never evaluates the ends themselves; a monotone NLL leaves it just inside one of them.
        double t = Math.exp(best.getPoint());
        double nll = best.getValue();
        TemperatureFit.Position position = TemperatureFit.Position.INSIDE;
        double atLower = meanNll.applyAsDouble(MIN_TEMPERATURE);
        double atUpper = meanNll.applyAsDouble(MAX_TEMPERATURE);
        if (atLower <= nll) {
            t = MIN_TEMPERATURE;
            nll = atLower;
            position = TemperatureFit.Position.AT_LOWER_END;
        }
        if (atUpper < nll) {
            t = MAX_TEMPERATURE;
            position = TemperatureFit.Position.AT_UPPER_END;
        }
        t = Math.min(MAX_TEMPERATURE, Math.max(MIN_TEMPERATURE, t));
        return new TemperatureFit(t, meanNll.applyAsDouble(1.0), meanNll.applyAsDouble(t), n, position);
    }

    /**
     * {@code mean_i( logsumexp_k(z_ik / t) - z_iy / t )} in double precision (stable: the row maximum is
     * subtracted before exponentiating), the terms summed exactly and rounded once ({@link ExactSum}).
     *
     * @param logits row-major {@code [n, k]}
     * @param labels {@code n} labels in [0, k)
     * @param n rows
     * @param k classes
     * @param t the temperature, &gt; 0
     * @return the mean NLL in nats
     */
    public static double meanNll(float[] logits, int[] labels, int n, int k, double t) {
        return nllSum(logits, labels, n, k, t).value() / n;
    }

    /**
     * The exact sum of the rows' {@code logsumexp_k(z_ik / t) - z_iy / t}, to be {@linkplain ExactSum#add(ExactSum)
     * combined} with other rows' sums: rounded once, it is the same double however the rows were split.
     *
     * @param logits row-major {@code [n, k]}
     * @param labels {@code n} labels in [0, k)
     * @param n rows
     * @param k classes
     * @param t the temperature, &gt; 0
     * @return the sum of the rows' NLL in nats, not yet rounded
     */
    public static ExactSum nllSum(float[] logits, int[] labels, int n, int k, double t) {
        ExactSum sum = new ExactSum();
        for (int i = 0; i < n; i++) {
            sum.add(logSumExp(logits, i * k, k, t) - logits[i * k + labels[i]] / t);
        }
        return sum;
    }

    /** {@code log(sum_j exp(z_j / t))} of one row, stable: the row maximum is taken out first. */
    private static double logSumExp(float[] logits, int row, int k, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, logits[row + j] / t);
        }
        double s = 0;
        for (int j = 0; j < k; j++) {
            s += Math.exp(logits[row + j] / t - max);
        }
        return max + Math.log(s);
    }

    /**
     * The logits of a raw model output: the output itself for logits, {@code ln(max(p, 1e-12))} for
     * probabilities. Returns {@code raw} itself for logits.
     *
     * @param raw row-major model output
     * @param kind what it holds
     * @return logits, row-major; a new array for probabilities
     */
    public static float[] logits(float[] raw, OutputKind kind) {
        if (kind == OutputKind.LOGITS) {
            return raw;
        }
        float[] z = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            z[i] = (float) Math.log(Math.max(raw[i], PROBABILITY_FLOOR));
        }
        return z;
    }

    /**
     * Row-wise {@code softmax(z / t)} of {@code n} rows of {@code k} logits, in double precision.
     *
     * @param logits row-major {@code [n, k]}
     * @param n rows
     * @param k classes
     * @param t the temperature, &gt; 0
     * @return row-major {@code [n, k]} probabilities
     */
    public static double[] temperedProbabilities(float[] logits, int n, int k, double t) {
        double[] p = new double[n * k];
        for (int i = 0; i < n; i++) {
            int row = i * k;
            double logZ = logSumExp(logits, row, k, t);
            for (int j = 0; j < k; j++) {
                p[row + j] = Math.exp(logits[row + j] / t - logZ);
            }
        }
        return p;
    }

    private static void check(float[] logits, int[] labels, int n, int k) {
        if (n < 1) {
            throw new SmoothcalException("temperature fit needs at least 1 sample, found " + n);
        }
        if (k < 2) {
            throw new SmoothcalException("temperature fit needs at least 2 classes, found " + k);
        }
        if (logits.length < (long) n * k || labels.length < n) {
            throw new SmoothcalException("temperature fit: expected " + (long) n * k + " logits and " + n
                    + " labels, found " + logits.length + " and " + labels.length);
        }
        for (int i = 0; i < n * k; i++) {
            if (!Float.isFinite(logits[i])) {
                throw new SmoothcalException("temperature fit: expected finite logits, found " + logits[i]
                        + " for sample " + i / k + ", class " + i % k);
            }
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new SmoothcalException("temperature fit: label of sample " + i + " must be in [0, " + k
                        + "), found " + labels[i]);
            }
        }
    }
}
