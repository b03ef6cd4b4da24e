package dev.smoothcal.trainer.export;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.Version;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.core.run.RunManifest;
import dev.smoothcal.onnx.Attribute;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.trainer.model.Layer;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.train.TrainedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a trained model as ONNX (IR {@value #IR_VERSION}, opset {@value #OPSET}) with the same
 * contract as the SavedModel: input {@code images} {@code [batch, H, W, C]} raw pixels, outputs
 * {@code logits} and {@code probabilities} {@code [batch, classes]}.
 *
 * <p>Mapping: normalisation is {@code Sub}/{@code Div} by per-channel initialisers (broadcast over the
 * trailing channel axis of NHWC); {@code Flatten(axis=1)} keeps NHWC order as TF's reshape does; a TF
 * Dense kernel {@code [in, out]} is {@code Gemm}'s B with {@code transB=0}; dropout is the identity.
 * The run's provenance goes into {@code metadata_props} (see the {@code KEY_} constants).
 */
public final class OnnxExport {
    public static final int IR_VERSION = (int) OnnxGraphBuilder.IR_VERSION;
    public static final int OPSET = (int) OnnxGraphBuilder.OPSET_VERSION;
    /** metadata key: the full run.json text. */
    public static final String KEY_RUN = "smoothcal.run";
    /** metadata key: class names as a JSON array. */
    public static final String KEY_CLASS_NAMES = "smoothcal.class_names";
    /** metadata key: SHA-256 of the trained weights (equal to run.json's model_fingerprint). */
    public static final String KEY_MODEL_FINGERPRINT = "smoothcal.model_fingerprint";
    /** metadata key: the writer's version. */
    public static final String KEY_VERSION = "smoothcal.version";

    private OnnxExport() {
    }

    /** Writes {@code trained} to {@code file}, with {@code manifest} as provenance. */
    public static void export(TrainedModel trained, RunManifest manifest, Path file) {
        OnnxModels.write(build(trained, manifest), file);
    }

    static dev.smoothcal.onnx.proto.OnnxProto.ModelProto build(TrainedModel trained, RunManifest manifest) {
        ResolvedModel model = trained.model();
        var in = model.input();
        OnnxGraphBuilder g = new OnnxGraphBuilder(model.name())
                .input(RunDirectory.INPUT_NAME, Dim.BATCH, Dim.of(in.height()), Dim.of(in.width()), Dim.of(in.channels()))
                .output(RunDirectory.LOGITS, Dim.BATCH, Dim.CLASSES)
                .output(RunDirectory.PROBABILITIES, Dim.BATCH, Dim.CLASSES)
                .initializer("norm_mean", trained.normalization().mean(), in.channels())
                .initializer("norm_std", trained.normalization().std(), in.channels())
                .node("Sub", List.of(RunDirectory.INPUT_NAME, "norm_mean"), "centred")
                .node("Div", List.of("centred", "norm_std"), "normalised");
        String x = "normalised";
        List<ResolvedModel.Step> steps = model.steps();
        for (int i = 0; i < steps.size(); i++) {
            ResolvedModel.Step step = steps.get(i);
            boolean last = i == steps.size() - 1;
            String out = last ? RunDirectory.LOGITS : "t" + i;
            Layer layer = step.layer();
            if (layer instanceof Layer.Dense) {
                ResolvedModel.Param kernel = step.params().get(0);
                ResolvedModel.Param bias = step.params().get(1);
                g.initializer(kernel.name(), trained.weights().get(kernel.name()), kernel.shape())
                        .initializer(bias.name(), trained.weights().get(bias.name()), bias.shape())
                        .node("Gemm", List.of(x, kernel.name(), bias.name()), out);
            } else if (layer instanceof Layer.Relu) {
                g.node("Relu", List.of(x), out);
            } else if (layer instanceof Layer.Flatten) {
                g.node("Flatten", List.of(x), out, Attribute.ofInt("axis", 1));
            } else if (layer instanceof Layer.Dropout) {
                g.node("Identity", List.of(x), out);
            } else {
                throw new SmoothcalException("no ONNX mapping for layer " + layer);
            }
            x = out;
        }
        g.node("Softmax", List.of(RunDirectory.LOGITS), RunDirectory.PROBABILITIES, Attribute.ofInt("axis", -1));
        Map<String, String> props = new TreeMap<>();
        props.put(KEY_RUN, Json.toString(manifest));
        props.put(KEY_CLASS_NAMES, Json.toString(manifest.classNames()).strip());
        props.put(KEY_MODEL_FINGERPRINT, manifest.modelFingerprint());
        props.put(KEY_VERSION, Version.get());
        return g.build(ModelMetadata.of(props));
    }
}
