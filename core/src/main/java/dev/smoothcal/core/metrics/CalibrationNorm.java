package dev.smoothcal.core.metrics;

/**
 * The norm of a binned calibration error over the equal-width bins b with counts {@code n_b} of N,
 * accuracies {@code acc_b} and mean confidences {@code conf_b} (torchmetrics' {@code norm}).
 */
public enum CalibrationNorm {
    /** {@code sum_b (n_b/N) |acc_b - conf_b|}: the ECE. */
    L1,
    /** {@code sqrt(sum_b (n_b/N) (acc_b - conf_b)^2)}: the RMS calibration error. */
    L2,
    /** {@code max_b |acc_b - conf_b|} over non-empty bins: the MCE. */
    MAX
}
