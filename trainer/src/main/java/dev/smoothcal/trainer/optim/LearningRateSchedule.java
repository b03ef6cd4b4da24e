package dev.smoothcal.trainer.optim;

import dev.smoothcal.core.SmoothcalException;

/**
 * The learning rate at each step, fed to the graph, so schedules need no graph rebuilds. With base
 * rate {@code r}, epoch {@code e} (0-based), {@code E} epochs, step {@code s} of {@code S} in all:
 * <ul>
 *   <li>{@code CONSTANT}: {@code r};</li>
 *   <li>{@code STEP}: {@code r * factor^floor(e / every)};</li>
 *   <li>{@code POLYNOMIAL}: {@code r * (1 - e / E)^power}, per epoch, as the Keras MiniGoogLeNet
 *       reference's PolynomialDecay (power 1 is linear decay);</li>
 *   <li>{@code COSINE}: linear warm-up from {@code r / W} to {@code r} over the first {@code W} steps
 *       ({@code W = warmupEpochs * S / E}), then {@code r * (1 + cos(pi * (s - W) / (S - W))) / 2}.</li>
 * </ul>
 *
 * @param kind the shape
 * @param every STEP: epochs between drops, at least 1
 * @param factor STEP: multiplier per drop, in (0, 1]
 * @param power POLYNOMIAL: exponent, positive
 * @param warmupEpochs COSINE: warm-up length in epochs, at least 0
 */
public record LearningRateSchedule(ScheduleKind kind, int every, double factor, double power, double warmupEpochs) {

    /** A constant rate: the base rate at every step. */
    public static final LearningRateSchedule CONSTANT = new LearningRateSchedule(ScheduleKind.CONSTANT, 1, 1, 1, 0);

    /**
     * Checks each component against the bounds stated above.
     *
     * @param kind the shape
     * @param every STEP: epochs between drops, at least 1
     * @param factor STEP: multiplier per drop, in (0, 1]
     * @param power POLYNOMIAL: exponent, positive
     * @param warmupEpochs COSINE: warm-up length in epochs, at least 0
     * @throws SmoothcalException naming the component out of range and the value found
     */
    public LearningRateSchedule {
        if (kind == null) {
            throw SmoothcalException.invalid("schedule", "must be constant, step, polynomial or cosine, found none");
        }
        if (every < 1) {
            throw SmoothcalException.invalid("stepEvery", "must be at least 1 epoch, found " + every);
        }
        if (!(factor > 0.0 && factor <= 1.0)) {
            throw SmoothcalException.invalid("stepFactor", "must be in (0, 1], found " + factor);
        }
        if (!(power > 0.0 && Double.isFinite(power))) {
            throw SmoothcalException.invalid("polyPower", "must be positive, found " + power);
        }
        if (!(warmupEpochs >= 0.0 && Double.isFinite(warmupEpochs))) {
            throw SmoothcalException.invalid("warmupEpochs", "must be at least 0, found " + warmupEpochs);
        }
    }

    /**
     * The rate for step {@code step} (0-based, over the whole run) in epoch {@code epoch} (0-based).
     *
     * @param base the base rate {@code r}
     * @param epoch the epoch {@code e}, 0-based
     * @param step the step {@code s}, 0-based over the run
     * @param epochs the epoch count {@code E}
     * @param stepsPerEpoch S / E
     * @return the learning rate
     */
    public double rate(double base, int epoch, long step, int epochs, int stepsPerEpoch) {
        switch (kind) {
            case STEP:
                return base * Math.pow(factor, Math.floor((double) epoch / every));
            case POLYNOMIAL:
                return base * Math.pow(1.0 - (double) epoch / epochs, power);
            case COSINE: {
                double total = (double) epochs * stepsPerEpoch;
                double warm = Math.min(warmupEpochs * stepsPerEpoch, total - 1);
                if (step < warm) {
                    return base * (step + 1) / warm;
                }
                double progress = (step - warm) / Math.max(1.0, total - warm);
                return base * 0.5 * (1.0 + Math.cos(Math.PI * progress));
            }
            default:
                return base;
        }
    }
}
