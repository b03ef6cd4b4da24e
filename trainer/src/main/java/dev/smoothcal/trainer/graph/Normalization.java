package dev.smoothcal.trainer.graph;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.core.data.Splits;
import java.util.Arrays;

/**
 * Input normalisation {@code x' = (x - mean) / std_c}, baked into every exported graph as constants so
 * consumers feed raw pixel values. {@code mean} broadcasts against an NHWC batch: it has shape
 * {@code [C]} (one value per channel, {@link NormalizationMode#CHANNEL}) or {@code [H, W, C]} (a mean
 * image, {@link NormalizationMode#MEAN_IMAGE}, whose {@code std} is all ones); {@code std} always has
 * one value per channel.
 *
 * @param meanShape {@code [C]} or {@code [H, W, C]}
 * @param mean the values subtracted, row-major in {@code meanShape}
 * @param std one positive value per channel, divided by after the subtraction
 */
public record Normalization(int[] meanShape, float[] mean, float[] std) {

    /**
     * Checks the statistics and keeps copies of the arrays.
     *
     * @param meanShape {@code [C]} or {@code [H, W, C]}
     * @param mean the values subtracted, row-major in {@code meanShape}
     * @param std one positive value per channel, divided by after the subtraction
     * @throws SmoothcalException if the shape is not of rank 1 or 3, the arrays do not fit it, or a std is
     *     not finite and positive
     */
    @JsonCreator
    public Normalization {
        if (meanShape == null || mean == null || std == null) {
            throw new SmoothcalException("normalisation needs a mean shape, a mean and a std, found "
                    + (meanShape == null ? "no mean shape" : mean == null ? "no mean" : "no std"));
        }
        if (meanShape.length != 1 && meanShape.length != 3) {
            throw new SmoothcalException("normalisation mean must have shape [C] or [H, W, C], found "
                    + Arrays.toString(meanShape));
        }
        long size = 1;
        for (int d : meanShape) {
            if (d < 1) {
                throw new SmoothcalException("normalisation mean shape must be positive, found "
                        + Arrays.toString(meanShape));
            }
            size *= d;
        }
        int channels = meanShape[meanShape.length - 1];
        if (mean.length != size || std.length != channels) {
            throw new SmoothcalException("normalisation of mean shape " + Arrays.toString(meanShape) + " needs "
                    + size + " means and " + channels + " stds, found " + mean.length + " means and " + std.length
                    + " stds");
        }
        for (float s : std) {
            if (!(s > 0f) || !Float.isFinite(s)) {
                throw new SmoothcalException("normalisation std must be finite and positive, found " + Arrays.toString(std));
            }
        }
        meanShape = meanShape.clone();
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Per-channel normalisation.
     *
     * @param mean one value per channel
     * @param std one positive value per channel
     * @throws SmoothcalException if the arrays differ in length or are empty, or a std is not finite and positive
     */
    public Normalization(float[] mean, float[] std) {
        this(new int[] {mean.length}, mean, std);
    }

    /**
     * Mean and population std of each channel of {@code data} (a std of 0 becomes 1).
     *
     * @param data the training images
     * @return one mean and one std per channel
     */
    public static Normalization fit(Dataset data) {
        return fit(data, NormalizationMode.CHANNEL);
    }

    /**
     * Fits the normalisation of {@code mode} on {@code data} in double precision: per-channel mean and
     * population std (a std of 0 becomes 1), or the mean image {@code mean[h,w,c] = (1/N) sum_i x_i[h,w,c]}
     * with a std of 1.
     *
     * @param data the training images (only the training split: validation and test images must not leak in)
     * @param mode which normalisation
     * @return the fitted normalisation
     * @throws SmoothcalException if {@code data} holds no images
     */
    public static Normalization fit(Dataset data, NormalizationMode mode) {
        if (mode == NormalizationMode.MEAN_IMAGE) {
            return meanImage(data);
        }
        double[][] ms = Splits.channelMeanStd(data);
        float[] mean = new float[ms[0].length];
        float[] std = new float[ms[0].length];
        for (int c = 0; c < mean.length; c++) {
            mean[c] = (float) ms[0][c];
            std[c] = (float) ms[1][c];
        }
        return new Normalization(mean, std);
    }

    private static Normalization meanImage(Dataset data) {
        if (data.size() == 0) {
            throw new SmoothcalException("mean image of " + data.name() + ": expected at least one image, found none");
        }
        ImageShape shape = data.shape();
        int per = shape.size();
        double[] sum = new double[per];
        float[] x = data.images();
        for (int i = 0; i < x.length; i++) {
            sum[i % per] += x[i];
        }
        float[] mean = new float[per];
        for (int j = 0; j < per; j++) {
            mean[j] = (float) (sum[j] / data.size());
        }
        float[] ones = new float[shape.channels()];
        Arrays.fill(ones, 1f);
        return new Normalization(new int[] {shape.height(), shape.width(), shape.channels()}, mean, ones);
    }

    /**
     * Which normalisation this is, from the rank of the mean.
     *
     * @return {@link NormalizationMode#CHANNEL} for a mean of shape {@code [C]}, else
     *     {@link NormalizationMode#MEAN_IMAGE}
     */
    public NormalizationMode mode() {
        return meanShape.length == 1 ? NormalizationMode.CHANNEL : NormalizationMode.MEAN_IMAGE;
    }

    /**
     * The shape of {@link #mean()}.
     *
     * @return a copy: {@code [C]} or {@code [H, W, C]}
     */
    @Override
    public int[] meanShape() {
        return meanShape.clone();
    }

    /**
     * The values subtracted.
     *
     * @return a copy, row-major in {@link #meanShape()}
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

    /**
     * Equal when shape and every value are equal (the arrays compared by content).
     *
     * @param o the other object
     * @return whether {@code o} is the same normalisation
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(meanShape, n.meanShape) && Arrays.equals(mean, n.mean)
                && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(meanShape) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[" + mode().id() + ", mean shape " + Arrays.toString(meanShape) + ", std "
                + Arrays.toString(std) + "]";
    }
}
