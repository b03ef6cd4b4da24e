package dev.smoothcal.evaluator.inference;

import dev.smoothcal.core.SmoothcalException;
import java.util.Arrays;

/**
 * Host-side input transform for models that do not normalise inside their graph:
 * {@code x' = (x * scale - mean_c) / std_c}, per channel c. smoothcal's own models bake their
 * normalisation in and get {@link #IDENTITY}.
 *
 * @param scale multiplies raw pixels first (e.g. 1/255)
 * @param mean one value per channel, or a single value for all channels
 * @param std positive; one value per channel, or a single value for all channels
 */
public record Preprocessing(double scale, double[] mean, double[] std) {
    /** Feed raw pixel values unchanged. */
    public static final Preprocessing IDENTITY = new Preprocessing(1.0, new double[] {0.0}, new double[] {1.0});

    /**
     * Checks the transform and keeps copies of the arrays.
     *
     * @param scale multiplies raw pixels first (e.g. 1/255)
     * @param mean one value per channel, or a single value for all channels
     * @param std positive; one value per channel, or a single value for all channels
     * @throws SmoothcalException if {@code scale} is zero or not finite, an array is empty, or a {@code std} is not finite and positive
     */
    public Preprocessing {
        if (!(Double.isFinite(scale) && scale != 0.0)) {
            throw SmoothcalException.invalid("scale", "must be a finite non-zero number, found " + scale);
        }
        if (mean.length == 0) {
            throw SmoothcalException.invalid("mean", "needs at least one value, found none");
        }
        if (std.length == 0) {
            throw SmoothcalException.invalid("std", "needs at least one value, found none");
        }
        for (double s : std) {
            if (!(s > 0.0 && Double.isFinite(s))) {
                throw SmoothcalException.invalid("std", "values must be finite and positive, found " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Whether this transform leaves values unchanged.
     *
     * @return true for scale 1, mean 0 and std 1
     */
    public boolean isIdentity() {
        return scale == 1.0 && Arrays.stream(mean).allMatch(m -> m == 0.0) && Arrays.stream(std).allMatch(s -> s == 1.0);
    }

    /** Checks the per-channel lists fit {@code channels}. */
    void requireChannels(int channels) {
        requireChannels("mean", mean, channels);
        requireChannels("std", std, channels);
    }

    private static void requireChannels(String parameter, double[] values, int channels) {
        if (values.length != 1 && values.length != channels) {
            String expected = channels == 1 ? "1 value (the images have one channel)"
                    : "1 or " + channels + " values (one per channel)";
            throw SmoothcalException.invalid(parameter, ": expected " + expected + ", found " + values.length);
        }
    }

    double apply(double x, int channel) {
        double m = mean.length == 1 ? mean[0] : mean[channel];
        double s = std.length == 1 ? std[0] : std[channel];
        return (x * scale - m) / s;
    }

    /**
     * The per-channel means.
     *
     * @return a copy
     */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /**
     * The per-channel standard deviations.
     *
     * @return a copy
     */
    @Override
    public double[] std() {
        return std.clone();
    }
}
