package dev.smoothcal.trainer.augment;

import dev.smoothcal.core.SmoothcalException;

/**
 * Mixup / CutMix settings. Errors name the parameters {@code mixupAlpha}, {@code cutmixAlpha},
 * {@code mixProbability}, {@code switchProbability} and {@code mixMode}.
 *
 * @param mixupAlpha Beta(alpha, alpha) parameter of Mixup's {@code lam}, finite and {@code >= 0}; 0 turns Mixup off
 * @param cutmixAlpha Beta(alpha, alpha) parameter of CutMix's {@code lam}, finite and {@code >= 0}; 0 turns CutMix off
 * @param probability chance in {@code [0, 1]} that a batch (or sample, see {@code mode}) is mixed at all
 * @param switchProbability chance in {@code [0, 1]} of CutMix rather than Mixup when both are on
 * @param mode one draw per batch or one per sample
 */
public record MixConfig(double mixupAlpha, double cutmixAlpha, double probability, double switchProbability,
        MixMode mode) {

    /** Nothing mixed: {@link MixAugmentation#apply} returns its inputs. */
    public static final MixConfig OFF = new MixConfig(0, 0, 1, 0.5, MixMode.BATCH);

    /**
     * Checks each component against the bounds stated above.
     *
     * @param mixupAlpha Beta(alpha, alpha) parameter of Mixup's {@code lam}, finite and {@code >= 0}; 0 turns Mixup off
     * @param cutmixAlpha Beta(alpha, alpha) parameter of CutMix's {@code lam}, finite and {@code >= 0}; 0 turns CutMix off
     * @param probability chance in {@code [0, 1]} that a batch (or sample, see {@code mode}) is mixed at all
     * @param switchProbability chance in {@code [0, 1]} of CutMix rather than Mixup when both are on
     * @param mode one draw per batch or one per sample
     * @throws SmoothcalException naming the component out of range and the value found
     */
    public MixConfig {
        checkAlpha("mixupAlpha", mixupAlpha);
        checkAlpha("cutmixAlpha", cutmixAlpha);
        checkProbability("mixProbability", probability);
        checkProbability("switchProbability", switchProbability);
        if (mode == null) {
            throw SmoothcalException.invalid("mixMode", "must be batch or elem, found none");
        }
    }

    /**
     * Mixup only, always applied, one {@code lam} per batch.
     *
     * @param alpha the Beta(alpha, alpha) parameter, &gt; 0
     * @return the configuration
     */
    public static MixConfig mixup(double alpha) {
        return new MixConfig(alpha, 0, 1, 0.5, MixMode.BATCH);
    }

    /**
     * CutMix only, always applied, one box per batch.
     *
     * @param alpha the Beta(alpha, alpha) parameter, &gt; 0
     * @return the configuration
     */
    public static MixConfig cutmix(double alpha) {
        return new MixConfig(0, alpha, 1, 0.5, MixMode.BATCH);
    }

    /**
     * This configuration with another mode.
     *
     * @param newMode one draw per batch or one per sample
     * @return a new configuration; this one is unchanged
     */
    public MixConfig withMode(MixMode newMode) {
        return new MixConfig(mixupAlpha, cutmixAlpha, probability, switchProbability, newMode);
    }

    /**
     * This configuration with another probability of mixing at all.
     *
     * @param newProbability chance in {@code [0, 1]} that a batch (or sample) is mixed
     * @return a new configuration; this one is unchanged
     */
    public MixConfig withProbability(double newProbability) {
        return new MixConfig(mixupAlpha, cutmixAlpha, newProbability, switchProbability, mode);
    }

    /**
     * Whether Mixup is on ({@code mixupAlpha > 0}).
     *
     * @return true when Mixup can be drawn
     */
    public boolean mixupOn() {
        return mixupAlpha > 0;
    }

    /**
     * Whether CutMix is on ({@code cutmixAlpha > 0}).
     *
     * @return true when CutMix can be drawn
     */
    public boolean cutmixOn() {
        return cutmixAlpha > 0;
    }

    private static void checkAlpha(String name, double value) {
        if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
            throw SmoothcalException.invalid(name, "must be finite and >= 0 (0 = off), found " + value);
        }
    }

    private static void checkProbability(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw SmoothcalException.invalid(name, "must be in [0, 1], found " + value);
        }
    }
}
