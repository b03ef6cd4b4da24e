package dev.smoothcal.onnx.loss;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import dev.smoothcal.onnx.Attribute;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.onnx.proto.OnnxProto.TensorProto.DataType;
import java.util.List;
import java.util.Map;

/**
 * A standalone ONNX model computing the label-smoothed cross-entropy, so ONNX Runtime can evaluate
 * the same loss as the TensorFlow trainer and the double-precision reference
 * ({@link dev.smoothcal.core.smoothing.LabelSmoothing}).
 *
 * <p>Inputs (float32): {@value #LOGITS} {@code [batch, classes]}, {@value #LABELS}
 * {@code [batch, classes]} (one-hot or soft label distributions), {@value #ALPHA} scalar {@code []}.
 * Outputs (float32): {@value #SAMPLE_LOSSES} {@code [batch]} with
 * {@code l_i = -sum_k t_ik * log_softmax(z_i)_k}, and {@value #LOSS} scalar {@code [] = mean_i l_i}, where
 * <ul>
 *   <li>{@link SmoothingConvention#UNIFORM}: {@code t = (1 - a) * y + a / K}</li>
 *   <li>{@link SmoothingConvention#OTHER_CLASSES}: {@code t = (1 - a) * y + a * (1 - y) / (K - 1)}</li>
 * </ul>
 * K is read from the logits' shape at run time (Shape, Gather, Cast), so one model serves every
 * class count. Only default-domain opset-17 operators are used (LogSoftmax, Mul, Add, Sub, Div,
 * ReduceSum, ReduceMean, Neg, Shape, Gather, Cast); ONNX's SoftmaxCrossEntropyLoss cannot be used
 * since it has neither smoothing nor soft labels.
 *
 * <p>Edge cases: the graph cannot reject inputs, so callers check them: {@code alpha} outside
 * {@code [0, 1)} is used as given; {@code OTHER_CLASSES} with K = 1 gives NaN (division by
 * {@code K - 1 = 0}); logits of {@code -inf} give NaN where the target is 0 (the reference skips those
 * terms); an empty batch gives NaN (mean of nothing). Finite logits of any size are safe: LogSoftmax
 * subtracts the row maximum.
 *
 * @param convention how the smoothing mass is spread over the classes
 */
public record SmoothedLossGraph(SmoothingConvention convention) {

    /** Input name: logits {@code [batch, classes]}. */
    public static final String LOGITS = "logits";
    /** Input name: label distributions {@code [batch, classes]}. */
    public static final String LABELS = "labels";
    /** Input name: smoothing factor, a scalar. */
    public static final String ALPHA = "alpha";
    /** Output name: mean smoothed cross-entropy, a scalar. */
    public static final String LOSS = "loss";
    /** Output name: per-sample smoothed cross-entropy {@code [batch]}. */
    public static final String SAMPLE_LOSSES = "sample_losses";

    /** Metadata key naming the smoothing convention ({@link SmoothingConvention#id()}). */
    public static final String CONVENTION_METADATA_KEY = "smoothcal.smoothing.convention";
    /** Metadata key naming what the model computes. */
    public static final String LOSS_METADATA_KEY = "smoothcal.loss";

    private static final String GRAPH_NAME = "smoothed_cross_entropy";
    private static final int CLASS_AXIS = 1;

    /**
     * Checks the convention.
     *
     * @param convention how the smoothing mass is spread over the classes
     * @throws SmoothcalException if {@code convention} is null
     */
    public SmoothedLossGraph {
        if (convention == null) {
            throw new SmoothcalException("smoothed loss graph: expected a smoothing convention (uniform or"
                    + " other-classes), found none");
        }
    }

    /**
     * The Keras / PyTorch convention, {@code t = (1 - a) * y + a / K}.
     *
     * @return the loss graph of the uniform convention
     */
    public static SmoothedLossGraph uniform() {
        return new SmoothedLossGraph(SmoothingConvention.UNIFORM);
    }

    /**
     * The model, ready to write or to load into an ONNX Runtime session.
     *
     * @return the loss graph as a model proto
     */
    public ModelProto toModel() {
        OnnxGraphBuilder g = new OnnxGraphBuilder(GRAPH_NAME)
                .input(LOGITS, Dim.BATCH, Dim.CLASSES)
                .input(LABELS, Dim.BATCH, Dim.CLASSES)
                .input(ALPHA)
                .initializer("one", new float[] {1f})
                .initializer("class_axis", new long[] {CLASS_AXIS})
                .initializer("class_axes", new long[] {CLASS_AXIS}, 1)
                .node("LogSoftmax", List.of(LOGITS), "log_probabilities", Attribute.ofInt("axis", CLASS_AXIS))
                .node("Shape", List.of(LOGITS), "logits_shape")
                .node("Gather", List.of("logits_shape", "class_axis"), "class_count_int64", Attribute.ofInt("axis", 0))
                .node("Cast", List.of("class_count_int64"), "class_count",
                        Attribute.ofInt("to", DataType.FLOAT.getNumber()))
                .node("Sub", List.of("one", ALPHA), "kept_fraction")
                .node("Mul", List.of(LABELS, "kept_fraction"), "kept_labels");
        switch (convention) {
            case UNIFORM -> g
                    .node("Div", List.of(ALPHA, "class_count"), "share_per_class")
                    .node("Add", List.of("kept_labels", "share_per_class"), "smoothed_labels");
            case OTHER_CLASSES -> g
                    .node("Sub", List.of("class_count", "one"), "other_class_count")
                    .node("Div", List.of(ALPHA, "other_class_count"), "share_per_other_class")
                    .node("Sub", List.of("one", LABELS), "other_class_mass")
                    .node("Mul", List.of("other_class_mass", "share_per_other_class"), "spread_labels")
                    .node("Add", List.of("kept_labels", "spread_labels"), "smoothed_labels");
        }
        return g
                .node("Mul", List.of("smoothed_labels", "log_probabilities"), "weighted_log_probabilities")
                .node("ReduceSum", List.of("weighted_log_probabilities", "class_axes"), "negated_sample_losses",
                        Attribute.ofInt("keepdims", 0))
                .node("Neg", List.of("negated_sample_losses"), SAMPLE_LOSSES)
                .node("ReduceMean", List.of(SAMPLE_LOSSES), LOSS,
                        Attribute.ofInts("axes", 0), Attribute.ofInt("keepdims", 0))
                .output(LOSS)
                .output(SAMPLE_LOSSES, Dim.BATCH)
                .build(new ModelMetadata(
                        "Label-smoothed cross-entropy, " + convention.id() + " convention, mean over the batch.",
                        Map.of(LOSS_METADATA_KEY, "label-smoothed-cross-entropy",
                                CONVENTION_METADATA_KEY, convention.id())));
    }
}
