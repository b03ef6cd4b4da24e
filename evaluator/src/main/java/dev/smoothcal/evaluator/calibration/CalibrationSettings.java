package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;

/**
 * The knobs of the calibrators that have any; every other calibrator ignores them.
 *
 * @param offDiagonalPenalty λ of ODIR (matrix scaling, Dirichlet): the penalty
 *     {@code λ / (K (K - 1)) * sum_{j != l} W_jl^2} is added to the mean NLL; at least 0, finite (default
 *     {@value #DEFAULT_OFF_DIAGONAL_PENALTY})
 * @param interceptPenalty μ of ODIR: {@code μ / K * sum_j b_j^2} is added; at least 0, finite (default
 *     {@value #DEFAULT_INTERCEPT_PENALTY})
 * @param histogramBins equal-width bins of histogram binning, in [1, 1000] (default
 *     {@value #DEFAULT_HISTOGRAM_BINS})
 * @param maxIterations conjugate-gradient iterations before a fit stops unconverged, at least 1 (default
 *     {@value #DEFAULT_MAX_ITERATIONS})
 */
public record CalibrationSettings(double offDiagonalPenalty, double interceptPenalty, int histogramBins,
        int maxIterations) {
    /** Default λ: a light penalty, enough to keep K² weights fitted on a few thousand images from overfitting. */
    public static final double DEFAULT_OFF_DIAGONAL_PENALTY = 1e-3;
    /** Default μ, equal to λ as in Kull et al.'s experiments. */
    public static final double DEFAULT_INTERCEPT_PENALTY = 1e-3;
    /** Default bins of histogram binning. */
    public static final int DEFAULT_HISTOGRAM_BINS = 15;
    /** Default iteration limit of the gradient-based fits. */
    public static final int DEFAULT_MAX_ITERATIONS = 5000;
    /** The defaults. */
    public static final CalibrationSettings DEFAULTS = new CalibrationSettings(DEFAULT_OFF_DIAGONAL_PENALTY,
            DEFAULT_INTERCEPT_PENALTY, DEFAULT_HISTOGRAM_BINS, DEFAULT_MAX_ITERATIONS);

    /**
     * Validates every knob; messages name it.
     *
     * @param offDiagonalPenalty λ of ODIR (matrix scaling, Dirichlet): the penalty {@code λ / (K (K - 1)) * sum_{j != l} W_jl^2} is added to the mean NLL; at least 0, finite (default {@value #DEFAULT_OFF_DIAGONAL_PENALTY})
     * @param interceptPenalty μ of ODIR: {@code μ / K * sum_j b_j^2} is added; at least 0, finite (default {@value #DEFAULT_INTERCEPT_PENALTY})
     * @param histogramBins equal-width bins of histogram binning, in [1, 1000] (default {@value #DEFAULT_HISTOGRAM_BINS})
     * @param maxIterations conjugate-gradient iterations before a fit stops unconverged, at least 1 (default {@value #DEFAULT_MAX_ITERATIONS})
     */
    public CalibrationSettings {
        if (!(offDiagonalPenalty >= 0) || Double.isInfinite(offDiagonalPenalty)) {
            throw SmoothcalException.invalid("offDiagonalPenalty", "must be finite and >= 0, found "
                    + offDiagonalPenalty);
        }
        if (!(interceptPenalty >= 0) || Double.isInfinite(interceptPenalty)) {
            throw SmoothcalException.invalid("interceptPenalty", "must be finite and >= 0, found " + interceptPenalty);
        }
        if (histogramBins < 1 || histogramBins > 1000) {
            throw SmoothcalException.invalid("histogramBins", "must be in [1, 1000], found " + histogramBins);
        }
        if (maxIterations < 1) {
            throw SmoothcalException.invalid("maxIterations", "must be at least 1, found " + maxIterations);
        }
    }

    /**
     * These settings with other ODIR penalties.
     *
     * @param lambda the off-diagonal penalty λ
     * @param mu the intercept penalty μ
     * @return the changed settings
     */
    public CalibrationSettings withOdir(double lambda, double mu) {
        return new CalibrationSettings(lambda, mu, histogramBins, maxIterations);
    }

    /**
     * These settings with another bin count for histogram binning.
     *
     * @param bins in [1, 1000]
     * @return the changed settings
     */
    public CalibrationSettings withHistogramBins(int bins) {
        return new CalibrationSettings(offDiagonalPenalty, interceptPenalty, bins, maxIterations);
    }
}
