package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;

/**
 * Height, width and channel count of one image, stored NHWC (row-major, channels last).
 *
 * @param height rows, at least 1
 * @param width columns, at least 1
 * @param channels 1 (grey) or 3 (RGB); any positive count is accepted
 */
public record ImageShape(int height, int width, int channels) {
    /**
     * Checks that every dimension is positive.
     *
     * @param height rows, at least 1
     * @param width columns, at least 1
     * @param channels 1 (grey) or 3 (RGB); any positive count is accepted
     * @throws SmoothcalException if a dimension is below 1
     */
    public ImageShape {
        if (height < 1 || width < 1 || channels < 1) {
            throw new SmoothcalException("image shape must be positive in every dimension, found "
                    + height + "x" + width + "x" + channels);
        }
    }

    /**
     * Values per image: {@code height * width * channels}.
     *
     * @return the number of values of one image
     */
    public int size() {
        return height * width * channels;
    }

    @Override
    public String toString() {
        return height + "x" + width + "x" + channels;
    }
}
