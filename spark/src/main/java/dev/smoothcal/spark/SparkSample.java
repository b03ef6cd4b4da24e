package dev.smoothcal.spark;

import java.io.Serializable;

/**
 * One labelled image as Spark encodes it (a Java bean, so the image travels as a primitive {@code float[]}
 * with no boxing): the row type of {@link SparkSamples#rows()} after normalisation.
 */
public final class SparkSample implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The global index of the sample in its dataset, from 0. */
    private long index;
    /** Raw pixels, NHWC row-major. */
    private float[] image;
    /** The true class. */
    private int label;

    /** An empty sample, for Spark's bean encoder. */
    public SparkSample() {
    }

    /**
     * A sample.
     *
     * @param index the global index of the sample in its dataset, from 0
     * @param image raw pixels, NHWC row-major (H*W*C values)
     * @param label the true class
     */
    public SparkSample(long index, float[] image, int label) {
        this.index = index;
        this.image = image;
        this.label = label;
    }

    /**
     * The global index.
     *
     * @return the index of the sample in its dataset, from 0
     */
    public long getIndex() {
        return index;
    }

    /**
     * Sets the global index.
     *
     * @param index the index of the sample in its dataset
     */
    public void setIndex(long index) {
        this.index = index;
    }

    /**
     * The raw pixels.
     *
     * @return H*W*C values, NHWC row-major
     */
    public float[] getImage() {
        return image;
    }

    /**
     * Sets the raw pixels.
     *
     * @param image H*W*C values, NHWC row-major
     */
    public void setImage(float[] image) {
        this.image = image;
    }

    /**
     * The true class.
     *
     * @return the label, in [0, K)
     */
    public int getLabel() {
        return label;
    }

    /**
     * Sets the true class.
     *
     * @param label the label
     */
    public void setLabel(int label) {
        this.label = label;
    }
}
