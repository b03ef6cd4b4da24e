package dev.smoothcal.trainer.augment;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.smoothcal.core.SmoothcalException;

/**
 * Mixup / CutMix settings. Errors name the parameters {@code mixupAlpha}, {@code cutmixAlpha},
 * {@code mixProbability}, {@code switchProbability}, {@code mixMode} and {@code cutmixMinmax}.
 *
 * <p>CutMix draws its box in one of two ways. By default (timm's {@code cutmix_alpha}) the box area comes
 * from {@code lam ~ Beta(cutmixAlpha, cutmixAlpha)}. With {@code cutmixMinmax} set (timm's
 * {@code cutmix_minmax}, {@code 0 < cutmixMin < cutmixMax <= 1}) the box height and width are
 * {@code U(cutmixMin, cutmixMax)} fractions of the image's, drawn independently, and CutMix is on whatever
 * {@code cutmixAlpha} says (timm, too, ignores the alpha for the box then); both 0 means unset.
 *
 * @param mixupAlpha Beta(alpha, alpha) parameter of Mixup's {@code lam}, finite and {@code >= 0}; 0 turns Mixup off
 * @param cutmixAlpha Beta(alpha, alpha) parameter of CutMix's {@code lam}, finite and {@code >= 0}; 0 turns CutMix off
 * @param probability chance in {@code [0, 1]} that a batch (or sample, see {@code mode}) is mixed at all
 * @param switchProbability chance in {@code [0, 1]} of CutMix rather than Mixup when both are on
 * @param mode one draw per batch or one per sample
 * @param cutmixMin smallest box side as a fraction of the image side, or 0 (with {@code cutmixMax} 0) for a
 *     box from Beta(cutmixAlpha)
 * @param cutmixMax largest box side as a fraction of the image side, or 0 (with {@code cutmixMin} 0)
 */
public record MixConfig(double mixupAlpha, double cutmixAlpha, double probability, double switchProbability,
        MixMode mode, double cutmixMin, double cutmixMax) {

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
     * @param cutmixMin smallest box side as a fraction of the image side, or 0 (with {@code cutmixMax} 0) for
     *     a box from Beta(cutmixAlpha)
     * @param cutmixMax largest box side as a fraction of the image side, or 0 (with {@code cutmixMin} 0)
     * @throws SmoothcalException naming the component out of range and the value found
     */
    @JsonCreator
    public MixConfig {
        checkAlpha("mixupAlpha", mixupAlpha);
        checkAlpha("cutmixAlpha", cutmixAlpha);
        checkProbability("mixProbability", probability);
        checkProbability("switchProbability", switchProbability);
        if (mode == null) {
            throw SmoothcalException.invalid("mixMode", "must be batch or elem, found none");
        }
        if ((cutmixMin != 0 || cutmixMax != 0) && !(cutmixMin > 0 && cutmixMin < cutmixMax && cutmixMax <= 1)) {
            throw SmoothcalException.invalid("cutmixMinmax", "must be MIN,MAX with 0 < MIN < MAX <= 1, found "
                    + cutmixMin + "," + cutmixMax);
        }
    }

    /**
     * Settings whose CutMix box, if any, comes from Beta(cutmixAlpha).
     *
     * @param mixupAlpha Beta(alpha, alpha) parameter of Mixup's {@code lam}, finite and {@code >= 0}; 0 turns Mixup off
     * @param cutmixAlpha Beta(alpha, alpha) parameter of CutMix's {@code lam}, finite and {@code >= 0}; 0 turns CutMix off
     * @param probability chance in {@code [0, 1]} that a batch (or sample, see {@code mode}) is mixed at all
     * @param switchProbability chance in {@code [0, 1]} of CutMix rather than Mixup when both are on
     * @param mode one draw per batch or one per sample
     * @throws SmoothcalException naming the component out of range and the value found
     */
    public MixConfig(double mixupAlpha, double cutmixAlpha, double probability, double switchProbability,
            MixMode mode) {
        this(mixupAlpha, cutmixAlpha, probability, switchProbability, mode, 0, 0);
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
        return new MixConfig(mixupAlpha, cutmixAlpha, probability, switchProbability, newMode, cutmixMin, cutmixMax);
    }

    /**
     * This configuration with another probability of mixing at all.
     *
     * @param newProbability chance in {@code [0, 1]} that a batch (or sample) is mixed
     * @return a new configuration; this one is unchanged
     */
    public MixConfig withProbability(double newProbability) {
        return new MixConfig(mixupAlpha, cutmixAlpha, newProbability, switchProbability, mode, cutmixMin, cutmixMax);
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
     * This configuration with CutMix boxes whose sides are {@code U(min, max)} fractions of the image's.
     *
     * @param min smallest side fraction, {@code 0 < min < max}
     * @param max largest side fraction, at most 1
     * @return a new configuration; this one is unchanged
     * @throws SmoothcalException naming {@code cutmixMinmax} when the bounds are out of range
     */
    public MixConfig withCutmixMinmax(double min, double max) {
        return new MixConfig(mixupAlpha, cutmixAlpha, probability, switchProbability, mode, min, max);
    }

    /**
     * Whether CutMix is on ({@code cutmixAlpha > 0}, or box bounds set).
     *
     * @return true when CutMix can be drawn
     */
    public boolean cutmixOn() {
        return cutmixAlpha > 0 || cutmixMinmaxOn();
    }

    /**
     * Whether CutMix boxes take their sides from {@code [cutmixMin, cutmixMax]} rather than their area from
     * Beta(cutmixAlpha).
     *
     * @return true when {@code cutmixMinmax} is set
     */
    public boolean cutmixMinmaxOn() {
        return cutmixMax > 0;
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
