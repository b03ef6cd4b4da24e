package dev.smoothcal.interop;

import dev.smoothcal.core.SmoothcalException;

/**
 * When two float32 paths count as equal: {@code |a - b| <= absolute + relative * |reference|}.
 * The defaults suit float32 models whose logits are of order 10: kernels differ in summation order,
 * which moves the last bits, never more.
 *
 * @param logitAbsolute absolute tolerance on logits (default 1e-4)
 * @param logitRelative relative tolerance on logits (default 1e-5)
 * @param probabilityAbsolute absolute tolerance on probabilities (default 1e-5)
 * @param lossRelative relative tolerance between loss values (default 1e-5)
 */
public record ParityTolerance(double logitAbsolute, double logitRelative, double probabilityAbsolute,
        double lossRelative) {

    /** The defaults stated on each component. */
    public static final ParityTolerance DEFAULT = new ParityTolerance(1e-4, 1e-5, 1e-5, 1e-5);

    /**
     * Checks each tolerance.
     *
     * @param logitAbsolute absolute tolerance on logits (default 1e-4)
     * @param logitRelative relative tolerance on logits (default 1e-5)
     * @param probabilityAbsolute absolute tolerance on probabilities (default 1e-5)
     * @param lossRelative relative tolerance between loss values (default 1e-5)
     * @throws SmoothcalException if a tolerance is outside {@code [0, 1)}
     */
    public ParityTolerance {
        check("logitAtol", logitAbsolute);
        check("logitRtol", logitRelative);
        check("probAtol", probabilityAbsolute);
        check("lossRtol", lossRelative);
    }

    private static void check(String name, double v) {
        if (!(v >= 0.0 && v < 1.0)) {
            throw SmoothcalException.invalid(name, "must be in [0, 1), found " + v);
        }
    }

    boolean logitsClose(double a, double b) {
        return Math.abs(a - b) <= logitAbsolute + logitRelative * Math.abs(b);
    }
}
