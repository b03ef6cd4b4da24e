package dev.smoothcal.interop;

import java.util.List;

/**
 * The content of {@code parity.json}.
 *
 * @param passed every check within tolerance
 * @param failures one sentence per failed check
 * @param modelFingerprint the run's weights fingerprint, checked equal in run.json and model.onnx
 * @param data dataset name and size compared on
 * @param logits TF vs ORT logits
 * @param probabilities TF vs ORT probabilities
 * @param argmax agreement of predicted classes
 * @param loss the smoothed loss computed three ways
 * @param tolerance the tolerances applied
 */
public record ParityReport(boolean passed, List<String> failures, String modelFingerprint, DataInfo data,
        Difference logits, Difference probabilities, Agreement argmax, LossParity loss, ParityTolerance tolerance) {

    public ParityReport {
        failures = List.copyOf(failures);
    }

    /** What was compared on. */
    public record DataInfo(String name, int size, String fingerprint) {
    }

    /**
     * Largest difference between the two paths over all samples and classes.
     *
     * @param maxAbsDiff {@code max |tf - onnx|}
     * @param meanAbsDiff mean over all elements
     * @param worst where the largest difference is
     */
    public record Difference(double maxAbsDiff, double meanAbsDiff, Worst worst) {
    }

    /** The element with the largest difference. */
    public record Worst(String output, int sample, int classIndex, double tf, double onnx) {
    }

    /**
     * Predicted-class agreement. A tie is a sample whose top two logits are within the logit
     * tolerance in either path; disagreements on ties are counted apart and do not fail the check.
     *
     * @param total samples
     * @param agree samples with the same arg-max
     * @param ties samples with a near-tie at the top
     * @param disagreeOnTies disagreements among the ties
     * @param disagreements disagreements that are not ties (each fails the check)
     * @param rate {@code agree / total}
     */
    public record Agreement(int total, int agree, int ties, int disagreeOnTies, int disagreements, double rate) {
    }

    /**
     * The label-smoothed loss three ways, with hard labels of the data.
     *
     * @param alpha smoothing factor of the run
     * @param convention smoothing convention of the run
     * @param tensorflow tensorflow-framework CategoricalCrossentropy on the TF logits
     * @param onnx the ONNX loss graph run in ONNX Runtime on the ORT logits
     * @param reference the double-precision core reference on the TF logits
     * @param referenceOnOnnxLogits the double-precision reference on the ORT logits
     * @param maxRelativeDiff largest pairwise relative difference of the first three
     */
    public record LossParity(double alpha, String convention, double tensorflow, double onnx, double reference,
            double referenceOnOnnxLogits, double maxRelativeDiff) {
    }
}
