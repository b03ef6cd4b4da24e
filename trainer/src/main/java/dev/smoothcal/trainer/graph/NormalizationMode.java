package dev.smoothcal.trainer.graph;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which input normalisation training fits on its training split and bakes into every graph it exports
 * (see {@link Normalization}).
 */
public enum NormalizationMode {
    /** {@code x' = (x - mean_c) / std_c} with one mean and one population std per channel (the default). */
    CHANNEL("channel"),
    /**
     * {@code x' = x - mean[h, w, c]}: the training split's mean image subtracted pixel by pixel, no division
     * (the Keras MiniGoogLeNet notebook's {@code trainX -= np.mean(trainX, axis=0)}).
     */
    MEAN_IMAGE("mean-image");

    private final String id;

    NormalizationMode(String id) {
        this.id = id;
    }

    /**
     * The spelling in run.json, recipes and on the command line.
     *
     * @return {@code channel} or {@code mean-image}
     */
    @JsonValue
    public String id() {
        return id;
    }
}
