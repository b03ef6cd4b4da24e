package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;

/**
 * How a calibrator's fit went, on the split it was fitted on.
 *
 * @param samples images fitted on, at least 1
 * @param nllBefore mean NLL of {@code softmax(z)} on the fit split, natural log, double precision
 * @param nllAfter mean NLL of the calibrated probabilities on the fit split, {@code -ln(max(p_y, 1e-12))}
 *     (temperature scaling: its unclamped {@link TemperatureFit#nllTempered()})
 * @param objective the value the fit minimised (NLL plus penalty; the squared error of isotonic
 *     regression; Platt's cross-entropy against smoothed targets; the NLL for histogram binning)
 * @param iterations optimiser iterations (0 for the closed-form fits)
 * @param convergence how the fit ended
 */
public record CalibrationFit(int samples, double nllBefore, double nllAfter, double objective, int iterations,
        Convergence convergence) {

    /** How a fit ended. */
    public enum Convergence {
        /** The optimiser met its convergence test (gradient or objective change below tolerance). */
        CONVERGED,
        /** Closed-form fit (bin means, pool-adjacent-violators): nothing to converge. */
        CLOSED_FORM,
        /** A one-dimensional fit stopped at an end of its search bracket. */
        AT_BRACKET_END,
        /** The optimiser ran out of iterations; the parameters are the last iterate. */
        ITERATION_LIMIT
    }

    /**
     * Validates the counts and values.
     *
     * @param samples images fitted on, at least 1
     * @param nllBefore mean NLL of {@code softmax(z)} on the fit split, natural log, double precision
     * @param nllAfter mean NLL of the calibrated probabilities on the fit split, {@code -ln(max(p_y, 1e-12))} (temperature scaling: its unclamped {@link TemperatureFit#nllTempered()})
     * @param objective the value the fit minimised (NLL plus penalty; the squared error of isotonic regression; Platt's cross-entropy against smoothed targets; the NLL for histogram binning)
     * @param iterations optimiser iterations (0 for the closed-form fits)
     * @param convergence how the fit ended
     */
    public CalibrationFit {
        if (samples < 1) {
            throw SmoothcalException.defect("a calibration fit of " + samples + " samples");
        }
        if (!Double.isFinite(nllBefore) || !Double.isFinite(nllAfter) || !Double.isFinite(objective)) {
            throw SmoothcalException.defect("a calibration fit with a non-finite NLL or objective: " + nllBefore
                    + ", " + nllAfter + ", " + objective);
        }
        if (iterations < 0 || convergence == null) {
            throw SmoothcalException.defect("a calibration fit without iterations or convergence");
        }
    }
}
