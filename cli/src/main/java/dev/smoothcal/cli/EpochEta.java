package dev.smoothcal.cli;

import java.util.Locale;

/**
 * How long the rest of an epoch (and of the run) takes at the step rate measured so far: after {@code step}
 * of {@code steps} steps in {@code elapsedSeconds}, the rate is {@code step / elapsedSeconds} steps/s and
 * the epoch's remaining time {@code (steps - step) / rate}. Pure arithmetic, so it is tested without
 * timing anything.
 *
 * @param step steps finished in this epoch, at least 0
 * @param steps steps of the epoch
 * @param elapsedSeconds seconds since the epoch started
 */
record EpochEta(int step, int steps, double elapsedSeconds) {

    /** Steps per second so far; NaN before the first step or when no time was measured. */
    double stepsPerSecond() {
        return step > 0 && elapsedSeconds > 0 ? step / elapsedSeconds : Double.NaN;
    }

    /** Seconds until the epoch's last step; NaN while the rate is unknown. */
    double remainingSeconds() {
        return Math.max(0, steps - step) / stepsPerSecond();
    }

    /** The progress line's text after the bar: running loss, throughput, steps/s and the epoch's ETA. */
    String line(double loss, double imagesPerSecond) {
        return String.format(Locale.ROOT, " loss %.4f, %.0f img/s, %.2f steps/s, epoch ETA %s", loss, imagesPerSecond,
                stepsPerSecond(), duration(remainingSeconds()));
    }

    /**
     * Seconds left in the run when each of {@code epochsLeft} epochs takes as long as the last one did.
     *
     * @param lastEpochSeconds wall time of the epoch just finished (training and validation)
     * @param epochsLeft epochs still to run
     * @return the estimate, in seconds
     */
    static double runRemainingSeconds(double lastEpochSeconds, int epochsLeft) {
        return lastEpochSeconds * Math.max(0, epochsLeft);
    }

    /**
     * A duration as a clock reads it, rounded to the second: {@code M:SS} below an hour, {@code H:MM:SS}
     * from an hour on; {@code ?} when unknown (NaN, infinite or negative).
     */
    static String duration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
