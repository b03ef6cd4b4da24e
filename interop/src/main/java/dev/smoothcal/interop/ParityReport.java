package dev.smoothcal.interop;

import java.util.List;

/**
 * The content of {@code parity.json}.
 *
 * @param format always {@link #FORMAT}
 * @param passed every check within tolerance
 * @param failures one sentence per failed check
 * @param modelFingerprint the run's weights fingerprint, checked equal in run.json and model.onnx
 * @param data dataset name and size compared on
 * @param batchSizes the largest differences at each batch size compared
 * @param logits TF vs ORT logits, worst over every batch size
 * @param probabilities TF vs ORT probabilities, worst over every batch size
 * @param argmax agreement of predicted classes
 * @param loss the label-smoothed loss computed three ways, for hard, smoothed and mixed labels
 * @param tolerance the tolerances applied
 * @param smoothingMethods the smoothed loss by both smoothing methods (in the loss, and labels smoothed first),
 *     for smoothed and mixed labels; empty in a report written before they were compared
 */
public record ParityReport(String format, boolean passed, List<String> failures, String modelFingerprint, DataInfo data,
        List<BatchParity> batchSizes, Difference logits, Difference probabilities, Agreement argmax,
        List<LossParity> loss, ParityTolerance tolerance, List<MethodParity> smoothingMethods) {

    /** The format of parity.json. */
    public static final String FORMAT = "smoothcal-parity/1";

    /**
     * Copies the lists, so the report is immutable.
     *
     * @param format always {@link #FORMAT}
     * @param passed every check within tolerance
     * @param failures one sentence per failed check
     * @param modelFingerprint the run's weights fingerprint, checked equal in run.json and model.onnx
     * @param data dataset name and size compared on
     * @param batchSizes the largest differences at each batch size compared
     * @param logits TF vs ORT logits, worst over every batch size
     * @param probabilities TF vs ORT probabilities, worst over every batch size
     * @param argmax agreement of predicted classes
     * @param loss the label-smoothed loss computed three ways, for hard, smoothed and mixed labels
     * @param tolerance the tolerances applied
     * @param smoothingMethods the smoothed loss by both smoothing methods, for smoothed and mixed labels; null
     *     reads as empty
     */
    public ParityReport {
        failures = List.copyOf(failures);
        batchSizes = List.copyOf(batchSizes);
        loss = List.copyOf(loss);
        smoothingMethods = smoothingMethods == null ? List.of() : List.copyOf(smoothingMethods);
    }

    /** The largest TF vs ORT differences when both paths run in batches of {@code batchSize}. */
    public record BatchParity(int batchSize, double logitsMaxAbsDiff, double probabilitiesMaxAbsDiff) {
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
     * The label-smoothed loss three ways on one kind of labels.
     *
     * @param labels {@code hard} (one-hot, no smoothing), {@code smoothed} (one-hot, the run's smoothing) or
     *     {@code mixed} (Mixup/CutMix soft labels from the trainer's augmentation on mixed images, the run's
     *     smoothing)
     * @param alpha smoothing factor used
     * @param convention smoothing convention of the run
     * @param tensorflow tensorflow-framework CategoricalCrossentropy on the TF logits
     * @param onnx the ONNX loss graph run in ONNX Runtime on the ORT logits
     * @param reference the double-precision core reference on the TF logits
     * @param referenceOnOnnxLogits the double-precision reference on the ORT logits
     * @param maxRelativeDiff largest pairwise relative difference of the first three
     */
    public record LossParity(String labels, double alpha, String convention, double tensorflow, double onnx,
            double reference, double referenceOnOnnxLogits, double maxRelativeDiff) {
    }

    /**
     * The smoothed loss by both of training's smoothing methods ({@code smoothing_method}) on one kind of
     * labels, on each path: by the loss (the loss smooths the labels, as in {@link LossParity}) and by the
     * labels (the labels smoothed first, in the same framework, then the loss with {@code a = 0}).
     * Cross-entropy is linear in the targets, so the two are the same number up to float rounding.
     *
     * @param labels {@code smoothed} (one-hot labels) or {@code mixed} (Mixup/CutMix soft labels)
     * @param alpha smoothing factor used
     * @param convention smoothing convention of the run
     * @param tensorflowByLoss TensorFlow, the loss smoothing the labels
     * @param tensorflowByLabels TensorFlow, labels smoothed in the graph, then the loss with {@code a = 0}
     * @param onnxByLoss ONNX Runtime, the loss graph smoothing the labels
     * @param onnxByLabels ONNX Runtime, labels smoothed by an ONNX graph, then the loss graph with {@code a = 0}
     * @param referenceByLabels the double-precision core reference: core's smoothed targets, the loss with
     *     {@code a = 0}, on the TF logits
     * @param maxRelativeDiff largest relative difference between the two methods on either path, and of the
     *     by-labels values to each other and to the reference
     */
    public record MethodParity(String labels, double alpha, String convention, double tensorflowByLoss,
            double tensorflowByLabels, double onnxByLoss, double onnxByLabels, double referenceByLabels,
            double maxRelativeDiff) {
    }
}
