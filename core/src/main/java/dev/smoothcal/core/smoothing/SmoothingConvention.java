package dev.smoothcal.core.smoothing;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How label smoothing with factor {@code a} spreads probability mass over K classes.
 */
public enum SmoothingConvention {
    /**
     * Keras / TensorFlow / PyTorch / timm convention, the default: {@code t = (1 - a) * y + a / K}.
     * The true class of a one-hot label gets {@code 1 - a + a/K}, every class (the true one included)
     * gets {@code a/K}.
     */
    UNIFORM,
    /**
     * Mass {@code a} goes to the other classes only: {@code t = (1 - a) * y + a * (1 - y) / (K - 1)}.
     * A one-hot label keeps {@code 1 - a} on its true class and {@code a/(K-1)} on each other one.
     * Equals {@link #UNIFORM} with {@code a' = a * K / (K - 1)}. Needs K at least 2.
     */
    OTHER_CLASSES;

    /**
     * The convention's name, as JSON, run.json and the command line spell it: {@code uniform} or
     * {@code other-classes}.
     *
     * @return the name
     */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
