package dev.smoothcal.trainer.augment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.smoothcal.core.SmoothcalException;

/**
 * Settings of the classic augmentation of the Keras reference notebook (random shifts and flips).
 *
 * @param heightShift largest vertical shift as a fraction of H, in {@code [0, 1)}
 * @param widthShift largest horizontal shift as a fraction of W, in {@code [0, 1)}
 * @param flip random flips
 * @param fill what uncovered pixels get
 */
public record ShiftFlipConfig(double heightShift, double widthShift, FlipMode flip, FillMode fill) {

    /** No shift, no flip. */
    public static final ShiftFlipConfig OFF = new ShiftFlipConfig(0, 0, FlipMode.NONE, FillMode.ZERO);

    /**
     * Checks each component.
     *
     * @param heightShift largest vertical shift as a fraction of H, in {@code [0, 1)}
     * @param widthShift largest horizontal shift as a fraction of W, in {@code [0, 1)}
     * @param flip random flips
     * @param fill what uncovered pixels get
     * @throws SmoothcalException if a shift is outside {@code [0, 1)} or a mode is null
     */
    public ShiftFlipConfig {
        checkFraction("height shift", heightShift);
        checkFraction("width shift", widthShift);
        if (flip == null) {
            throw new SmoothcalException("flip mode must be none or horizontal, found none");
        }
        if (fill == null) {
            throw new SmoothcalException("fill mode must be zero or nearest, found none");
        }
    }

    /**
     * Whether the configuration changes nothing (derived, so not written into run.json).
     *
     * @return true for no shift and no flip
     */
    @JsonIgnore
    public boolean isIdentity() {
        return heightShift == 0 && widthShift == 0 && flip == FlipMode.NONE;
    }

    private static void checkFraction(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new SmoothcalException(name + " must be in [0, 1), found " + value);
        }
    }
}
