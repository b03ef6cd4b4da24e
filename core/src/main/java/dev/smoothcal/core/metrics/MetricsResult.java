package dev.smoothcal.core.metrics;

import java.util.List;

/**
 * Everything a {@link MetricsAccumulator} measured. Immutable; serialises with Jackson (the project
 * mapper writes snake_case keys). Formulas and conventions are stated on {@link MetricsAccumulator}.
 *
 * @param config the configuration measured under
 * @param sampleCount N, at least 1
 * @param accuracy share of samples whose arg-max (lowest index on ties) is the label
 * @param accuracyAtK one entry per configured k, ascending
 * @param negativeLogLikelihood mean of {@code -ln(max(p_label, 1e-12))}
 * @param brierScore mean over samples of {@code sum_k (p_k - y_k)^2}, in {@code [0, 2]}
 * @param expectedCalibrationError equal-width top-label ECE
 * @param maximumCalibrationError largest |gap| over non-empty equal-width bins
 * @param equalMassCalibrationError top-label ECE over groups of about N/B samples
 * @param classwiseCalibrationError mean over classes of the per-class equal-width ECE
 * @param reliabilityBins the B equal-width bins, empty ones included
 * @param equalMassBins the non-empty equal-mass groups, ascending
 * @param classification per-class scores and confusion matrix
 * @param bootstrap intervals, or null when the bootstrap is off
 * @param calibrationErrorL2 equal-width top-label ECE with the L2 norm
 * @param debiasedCalibrationErrorL2 Kumar et al.'s debiased L2 ECE on the same bins
 * @param smoothCalibrationError smooth ECE at its fixed-point bandwidth
 * @param smoothCalibrationBandwidth that bandwidth σ*, in [0.001, 1]
 */
public record MetricsResult(
        MetricsConfig config,
        long sampleCount,
        double accuracy,
        List<TopKAccuracy> accuracyAtK,
        double negativeLogLikelihood,
        double brierScore,
        double expectedCalibrationError,
        double maximumCalibrationError,
        double equalMassCalibrationError,
        double classwiseCalibrationError,
        List<ReliabilityBin> reliabilityBins,
        List<ReliabilityBin> equalMassBins,
        ClassificationReport classification,
        BootstrapIntervals bootstrap,
        double calibrationErrorL2,
        double debiasedCalibrationErrorL2,
        double smoothCalibrationError,
        double smoothCalibrationBandwidth) {

    /**
     * Copies the lists, so the result is immutable.
     *
     * @param config the configuration measured under
     * @param sampleCount N, at least 1
     * @param accuracy share of samples whose arg-max (lowest index on ties) is the label
     * @param accuracyAtK one entry per configured k, ascending
     * @param negativeLogLikelihood mean of {@code -ln(max(p_label, 1e-12))}
     * @param brierScore mean over samples of {@code sum_k (p_k - y_k)^2}, in {@code [0, 2]}
     * @param expectedCalibrationError equal-width top-label ECE
     * @param maximumCalibrationError largest |gap| over non-empty equal-width bins
     * @param equalMassCalibrationError top-label ECE over groups of about N/B samples
     * @param classwiseCalibrationError mean over classes of the per-class equal-width ECE
     * @param reliabilityBins the B equal-width bins, empty ones included
     * @param equalMassBins the non-empty equal-mass groups, ascending
     * @param classification per-class scores and confusion matrix
     * @param bootstrap intervals, or null when the bootstrap is off
     * @param calibrationErrorL2 equal-width top-label ECE with the L2 norm
     * @param debiasedCalibrationErrorL2 Kumar et al.'s debiased L2 ECE on the same bins
     * @param smoothCalibrationError smooth ECE at its fixed-point bandwidth
     * @param smoothCalibrationBandwidth that bandwidth σ*, in [0.001, 1]
     */
    public MetricsResult {
        accuracyAtK = List.copyOf(accuracyAtK);
        reliabilityBins = List.copyOf(reliabilityBins);
        equalMassBins = List.copyOf(equalMassBins);
    }

    /**
     * The equal-width top-label calibration error in a norm, as torchmetrics' {@code norm} argument.
     *
     * @param norm L1 (the ECE), L2 or MAX (the MCE)
     * @return the error
     */
    public double calibrationError(CalibrationNorm norm) {
        return switch (norm) {
            case L1 -> expectedCalibrationError;
            case L2 -> calibrationErrorL2;
            case MAX -> maximumCalibrationError;
        };
    }
}
