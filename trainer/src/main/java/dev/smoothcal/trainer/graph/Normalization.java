package dev.smoothcal.trainer.graph;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.Splits;
import java.util.Arrays;

/**
 * Per-channel input normalisation {@code x' = (x - mean_c) / std_c}, baked into every exported graph
 * so consumers feed raw pixel values.
 *
 * @param mean one value per channel
 * @param std one positive value per channel
 */
public record Normalization(float[] mean, float[] std) {

    /**
     * Checks the statistics and keeps copies of the arrays.
     *
     * @param mean one value per channel
     * @param std one positive value per channel
     * @throws SmoothcalException if the arrays differ in length or are empty, or a std is not finite and positive
     */
    public Normalization {
        if (mean.length != std.length || mean.length == 0) {
            throw new SmoothcalException("normalisation needs one mean and one std per channel, found "
                    + mean.length + " means and " + std.length + " stds");
        }
        for (float s : std) {
            if (!(s > 0f) || !Float.isFinite(s)) {
                throw new SmoothcalException("normalisation std must be finite and positive, found " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Mean and population std of each channel of {@code data} (a std of 0 becomes 1).
     *
     * @param data the training images
     * @return one mean and one std per channel
     */
    public static Normalization fit(Dataset data) {
        double[][] ms = Splits.channelMeanStd(data);
        float[] mean = new float[ms[0].length];
        float[] std = new float[ms[0].length];
        for (int c = 0; c < mean.length; c++) {
            mean[c] = (float) ms[0][c];
            std[c] = (float) ms[1][c];
        }
        return new Normalization(mean, std);
    }

    /**
     * The per-channel means.
     *
     * @return a copy
     */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /**
     * The per-channel standard deviations.
     *
     * @return a copy
     */
    @Override
    public float[] std() {
        return std.clone();
    }
}
