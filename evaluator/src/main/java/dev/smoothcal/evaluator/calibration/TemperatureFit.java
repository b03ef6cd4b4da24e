package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;

/**
 * The result of fitting a temperature on one split.
 *
 * @param temperature T, in [{@link TemperatureScaling#MIN_TEMPERATURE}, {@link TemperatureScaling#MAX_TEMPERATURE}]
 * @param nllUntempered mean NLL of softmax(z) on the fit split (T = 1), natural log, double precision
 * @param nllTempered mean NLL of softmax(z/T) on the fit split, never above {@code nllUntempered} when 1 is
 *     inside the bracket
 * @param samples number of samples fitted on, at least 1
 * @param position whether T is inside the bracket or stopped at one of its ends
 */
public record TemperatureFit(double temperature, double nllUntempered, double nllTempered, int samples,
        Position position) {

    /** Where the minimiser ended relative to the search bracket. */
    public enum Position {
        /** A proper minimum inside the bracket. */
        INSIDE,
        /** At the lower end: the NLL still falls as T shrinks (typically a split the model classifies perfectly). */
        AT_LOWER_END,
        /** At the upper end: the NLL still falls as T grows (the model is close to chance on this split). */
        AT_UPPER_END
    }

    /**
     * Checks each component.
     *
     * @param temperature T, in [{@link TemperatureScaling#MIN_TEMPERATURE}, {@link TemperatureScaling#MAX_TEMPERATURE}]
     * @param nllUntempered mean NLL of softmax(z) on the fit split (T = 1), natural log, double precision
     * @param nllTempered mean NLL of softmax(z/T) on the fit split, never above {@code nllUntempered} when 1 is
     *     inside the bracket
     * @param samples number of samples fitted on, at least 1
     * @param position whether T is inside the bracket or stopped at one of its ends
     * @throws SmoothcalException if T is outside the bracket, an NLL is negative or not finite, there is no sample or no position
     */
    public TemperatureFit {
        if (!(temperature >= TemperatureScaling.MIN_TEMPERATURE && temperature <= TemperatureScaling.MAX_TEMPERATURE)) {
            throw new SmoothcalException("temperature must be in [" + TemperatureScaling.MIN_TEMPERATURE + ", "
                    + TemperatureScaling.MAX_TEMPERATURE + "], found " + temperature);
        }
        if (!Double.isFinite(nllUntempered) || !Double.isFinite(nllTempered) || nllUntempered < 0 || nllTempered < 0) {
            throw new SmoothcalException("fit NLLs must be finite and non-negative, found " + nllUntempered + " and "
                    + nllTempered);
        }
        if (samples < 1) {
            throw new SmoothcalException("fit samples must be at least 1, found " + samples);
        }
        if (position == null) {
            throw new SmoothcalException("fit position must be given, found none");
        }
    }
}
