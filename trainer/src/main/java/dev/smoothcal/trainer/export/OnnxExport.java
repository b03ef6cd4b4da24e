package dev.smoothcal.trainer.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.Version;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.onnx.Attribute;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.graph.NormalizationMode;
import dev.smoothcal.trainer.model.Layer;
import dev.smoothcal.trainer.model.Padding;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.ResolvedModel.Role;
import dev.smoothcal.trainer.model.Weights;
import dev.smoothcal.trainer.run.RunManifest;
import dev.smoothcal.trainer.train.TrainedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a trained model as ONNX (IR {@value #IR_VERSION}, opset {@value #OPSET}) with the same
 * contract as the SavedModel: input {@code images} {@code [batch, H, W, C]} raw pixels, outputs
 * {@code logits} and {@code probabilities} {@code [batch, classes]}.
 *
 * <p>Mapping: normalisation is {@code Sub}/{@code Div} by per-channel initialisers (broadcast over the
 * trailing channel axis of NHWC), or one {@code Sub} of a {@code [H, W, C]} mean-image initialiser
 * (broadcast over the batch axis). Before the first layer that needs channels first (Conv, pooling,
 * BatchNorm, Concat or Add on an image) one {@code Transpose(perm 0,3,1,2)} turns NHWC into NCHW; a
 * {@code Flatten} of an NCHW image is preceded by {@code Transpose(perm 0,2,3,1)} so the flattened
 * order is TF's NHWC order and Dense kernels stay valid. Models without such layers get no Transpose.
 * <ul>
 * <li>Conv2D: {@code Conv} with the HWIO kernel rewritten as OIHW (same initialiser name) and explicit
 *     {@code pads [top, left, bottom, right]} from {@link Padding#pads} (TF SAME puts an odd extra pixel
 *     at the end); no {@code auto_pad}.</li>
 * <li>MaxPool / AveragePool: explicit pads likewise; AveragePool with {@code count_include_pad=0}, so a
 *     SAME window at the border averages only real pixels, as TF.</li>
 * <li>BatchNorm: {@code BatchNormalization} in inference form (moving mean and variance) with Keras'
 *     epsilon written out (ONNX's default differs); not folded into the conv, so the file shows the
 *     trained model's own structure.</li>
 * <li>GlobalAveragePool: {@code GlobalAveragePool} then {@code Flatten(axis=1)}, giving {@code [N, C]}.</li>
 * <li>Concat: each branch from the same NCHW input, {@code Concat(axis=1)}.</li>
 * <li>Add: each branch from the same input (NCHW for an image), summed by a chain of binary {@code Add}
 *     nodes (an identity branch adds the input itself).</li>
 * <li>Dense: {@code Gemm} with the TF kernel {@code [in, out]} as B, {@code transB=0}.</li>
 * <li>Dropout: removed (identity at inference).</li>
 * </ul>
 * The run's provenance goes into {@code metadata_props} (see the {@code KEY_} constants).
 */
public final class OnnxExport {
    /** The ONNX IR version written (8: widely loadable). */
    public static final int IR_VERSION = (int) OnnxGraphBuilder.IR_VERSION;
    /** The default-domain opset written (17). */
    public static final int OPSET = (int) OnnxGraphBuilder.OPSET_VERSION;
    /** metadata key: the full run.json text. */
    public static final String KEY_RUN = RunDirectory.METADATA_RUN;
    /** metadata key: class names as JSON array text, {@code ["0","1",...]} (one line). */
    public static final String KEY_CLASS_NAMES = RunDirectory.METADATA_CLASS_NAMES;
    /** metadata key: SHA-256 of the trained weights (equal to run.json's model_fingerprint). */
    public static final String KEY_MODEL_FINGERPRINT = RunDirectory.METADATA_MODEL_FINGERPRINT;
    /** metadata key: the writer's version. */
    public static final String KEY_VERSION = RunDirectory.METADATA_VERSION;

    private OnnxExport() {
    }

    /**
     * Writes {@code trained} to {@code file}, with {@code manifest} as provenance.
     *
     * @param trained the trained weights and the model they belong to
     * @param manifest the run's provenance, written into {@code metadata_props}
     * @param file the {@code .onnx} file to write
     */
    public static void export(TrainedModel trained, RunManifest manifest, Path file) {
        OnnxModels.write(build(trained, manifest), file);
    }

    static ModelProto build(TrainedModel trained, RunManifest manifest) {
        Map<String, String> props = new TreeMap<>();
        props.put(KEY_RUN, manifest.toJson());
        props.put(KEY_CLASS_NAMES, classNamesJson(manifest.classNames()));
        props.put(KEY_MODEL_FINGERPRINT, manifest.modelFingerprint());
        props.put(KEY_VERSION, Version.get());
        return build(trained.model(), trained.normalization(), trained.weights(), ModelMetadata.of(props));
    }

    /** Class names as one line of JSON array text: a real array that any JSON reader parses. */
    static String classNamesJson(List<String> classNames) {
        try {
            return Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(classNames);
        } catch (JsonProcessingException e) {
            throw SmoothcalException.defect("class names could not be written as JSON", e);
        }
    }

    /** The ONNX model of {@code model} with {@code weights}, without run provenance unless {@code metadata} has it. */
    static ModelProto build(ResolvedModel model, Normalization norm, Weights weights, ModelMetadata metadata) {
        var in = model.input();
        OnnxGraphBuilder g = new OnnxGraphBuilder(model.name())
                .input(RunDirectory.INPUT_NAME, Dim.BATCH, Dim.of(in.height()), Dim.of(in.width()), Dim.of(in.channels()))
                .output(RunDirectory.LOGITS, Dim.BATCH, Dim.CLASSES)
                .output(RunDirectory.PROBABILITIES, Dim.BATCH, Dim.CLASSES);
        if (norm.mode() == NormalizationMode.MEAN_IMAGE) {
            // The mean image [H, W, C] broadcasts over the batch axis of the NHWC input; no division.
            g.initializer("norm_mean", norm.mean(), java.util.Arrays.stream(norm.meanShape()).asLongStream().toArray())
                    .node("Sub", List.of(RunDirectory.INPUT_NAME, "norm_mean"), "normalised");
        } else {
            g.initializer("norm_mean", norm.mean(), in.channels())
                    .initializer("norm_std", norm.std(), in.channels())
                    .node("Sub", List.of(RunDirectory.INPUT_NAME, "norm_mean"), "centred")
                    .node("Div", List.of("centred", "norm_std"), "normalised");
        }
        Emitter e = new Emitter(g, weights);
        List<ResolvedModel.Step> steps = model.steps();
        Value x = new Value("normalised", Layout.NHWC);
        for (int i = 0; i < steps.size(); i++) {
            boolean last = i == steps.size() - 1;
            x = e.step(steps.get(i), x, last ? RunDirectory.LOGITS : null);
        }
        if (!x.name().equals(RunDirectory.LOGITS)) {
            g.node("Identity", List.of(x.name()), RunDirectory.LOGITS);
        }
        g.node("Softmax", List.of(RunDirectory.LOGITS), RunDirectory.PROBABILITIES, Attribute.ofInt("axis", -1));
        return g.build(metadata);
    }

    /** Axis order of a rank-4 value; flat values are always NHWC (meaning: no transpose pending). */
    private enum Layout {
        NHWC, NCHW
    }

    private record Value(String name, Layout layout) {
    }

    /** Emits nodes for steps, naming intermediate values {@code t0, t1, ...}. */
    private static final class Emitter {
        private final OnnxGraphBuilder g;
        private final Weights weights;
        private int next;

        Emitter(OnnxGraphBuilder g, Weights weights) {
            this.g = g;
            this.weights = weights;
        }

        private String fresh(String wanted) {
            return wanted != null ? wanted : "t" + next++;
        }

        private Value nchw(Value x) {
            if (x.layout() == Layout.NCHW) {
                return x;
            }
            String out = fresh(null);
            g.node("Transpose", List.of(x.name()), out, Attribute.ofInts("perm", 0, 3, 1, 2));
            return new Value(out, Layout.NCHW);
        }

        private String init(ResolvedModel.Param p) {
            g.initializer(p.name(), weights.get(p.name()), p.shape());
            return p.name();
        }

        /** Emits {@code step} reading {@code x}; its last node writes {@code out} when not null. */
        Value step(ResolvedModel.Step step, Value x, String out) {
            return step.layer().accept(new Nodes(step, x, out));
        }

        /** The ONNX nodes of each layer type for one step reading {@code x}, the last writing {@code out}. */
        private final class Nodes implements Layer.Visitor<Value> {
            private final ResolvedModel.Step step;
            private final Value x;
            private final String out;
            private final boolean image;

            Nodes(ResolvedModel.Step step, Value x, String out) {
                this.step = step;
                this.x = x;
                this.out = out;
                this.image = step.inputShape().length == 3;
            }

            @Override
            public Value dense(Layer.Dense d) {
                String o = fresh(out);
                g.node("Gemm", List.of(x.name(), init(step.param(Role.KERNEL)), init(step.param(Role.BIAS))), o);
                return new Value(o, Layout.NHWC);
            }

            @Override
            public Value relu(Layer.Relu r) {
                String o = fresh(out);
                g.node("Relu", List.of(x.name()), o);
                return new Value(o, x.layout());
            }

            @Override
            public Value dropout(Layer.Dropout d) {
                return x;
            }

            @Override
            public Value flatten(Layer.Flatten f) {
                if (!image) {
                    return x;
                }
                String source = x.name();
                if (x.layout() == Layout.NCHW) {
                    source = fresh(null);
                    g.node("Transpose", List.of(x.name()), source, Attribute.ofInts("perm", 0, 2, 3, 1));
                }
                String o = fresh(out);
                g.node("Flatten", List.of(source), o, Attribute.ofInt("axis", 1));
                return new Value(o, Layout.NHWC);
            }

            @Override
            public Value conv2d(Layer.Conv2D c) {
                Value v = nchw(x);
                ResolvedModel.Param k = step.param(Role.KERNEL);
                long[] hwio = k.shape();
                String kernel = k.name();
                g.initializer(kernel, hwioToOihw(weights.get(kernel), hwio),
                        hwio[3], hwio[2], hwio[0], hwio[1]);
                List<String> inputs = new ArrayList<>(List.of(v.name(), kernel));
                if (c.bias() == Layer.Bias.USE) {
                    inputs.add(init(step.param(Role.BIAS)));
                }
                String o = fresh(out);
                g.node("Conv", inputs, o,
                        Attribute.ofInts("kernel_shape", c.kernelH(), c.kernelW()),
                        Attribute.ofInts("strides", c.strideH(), c.strideW()),
                        Attribute.ofInts("dilations", 1, 1),
                        Attribute.ofInt("group", 1),
                        Attribute.ofInts("pads", pads(step, c.kernelH(), c.kernelW(), c.strideH(), c.strideW(),
                                c.padding())));
                return new Value(o, Layout.NCHW);
            }

            @Override
            public Value maxPool(Layer.MaxPool m) {
                Value v = nchw(x);
                String o = fresh(out);
                g.node("MaxPool", List.of(v.name()), o,
                        Attribute.ofInts("kernel_shape", m.poolH(), m.poolW()),
                        Attribute.ofInts("strides", m.strideH(), m.strideW()),
                        Attribute.ofInts("pads", pads(step, m.poolH(), m.poolW(), m.strideH(), m.strideW(),
                                m.padding())));
                return new Value(o, Layout.NCHW);
            }

            @Override
            public Value averagePool(Layer.AveragePool a) {
                Value v = nchw(x);
                String o = fresh(out);
                g.node("AveragePool", List.of(v.name()), o,
                        Attribute.ofInts("kernel_shape", a.poolH(), a.poolW()),
                        Attribute.ofInts("strides", a.strideH(), a.strideW()),
                        Attribute.ofInt("count_include_pad", 0),
                        Attribute.ofInts("pads", pads(step, a.poolH(), a.poolW(), a.strideH(), a.strideW(),
                                a.padding())));
                return new Value(o, Layout.NCHW);
            }

            @Override
            public Value globalAveragePool(Layer.GlobalAveragePool gap) {
                Value v = nchw(x);
                String pooled = fresh(null);
                g.node("GlobalAveragePool", List.of(v.name()), pooled);
                String o = fresh(out);
                g.node("Flatten", List.of(pooled), o, Attribute.ofInt("axis", 1));
                return new Value(o, Layout.NHWC);
            }

            @Override
            public Value batchNorm(Layer.BatchNorm bn) {
                Value v = image ? nchw(x) : x;
                String o = fresh(out);
                g.node("BatchNormalization", List.of(v.name(), init(step.param(Role.GAMMA)), init(step.param(Role.BETA)),
                        init(step.param(Role.MOVING_MEAN)), init(step.param(Role.MOVING_VARIANCE))), o,
                        Attribute.ofFloat("epsilon", (float) bn.epsilon()),
                        Attribute.ofFloat("momentum", (float) bn.momentum()));
                return new Value(o, v.layout());
            }

            @Override
            public Value concat(Layer.Concat c) {
                Value v = nchw(x);
                List<String> parts = new ArrayList<>();
                for (List<ResolvedModel.Step> branch : step.branches()) {
                    Value b = v;
                    for (ResolvedModel.Step s : branch) {
                        b = step(s, b, null);
                    }
                    if (b.layout() != Layout.NCHW) {
                        throw SmoothcalException.defect("Concat branch ended in layout " + b.layout()
                                + ", expected NCHW; branch " + branch);
                    }
                    parts.add(b.name());
                }
                String o = fresh(out);
                g.node("Concat", parts, o, Attribute.ofInt("axis", 1));
                return new Value(o, Layout.NCHW);
            }

            @Override
            public Value add(Layer.Add a) {
                Value v = image ? nchw(x) : x;
                Value sum = null;
                for (int i = 0; i < step.branches().size(); i++) {
                    List<ResolvedModel.Step> branch = step.branches().get(i);
                    Value b = v;
                    for (ResolvedModel.Step s : branch) {
                        b = step(s, b, null);
                    }
                    boolean rank4 = branch.isEmpty() ? image : branch.get(branch.size() - 1).outputShape().length == 3;
                    if (rank4 && b.layout() != Layout.NCHW) {
                        b = nchw(b);
                    }
                    if (sum == null) {
                        sum = b;
                    } else {
                        String o = fresh(i == step.branches().size() - 1 ? out : null);
                        g.node("Add", List.of(sum.name(), b.name()), o);
                        sum = new Value(o, b.layout());
                    }
                }
                return sum;
            }
        }
    }

    /** ONNX {@code pads} {@code [top, left, bottom, right]} of a window on the step's input. */
    private static long[] pads(ResolvedModel.Step step, int kh, int kw, int sh, int sw, Padding padding) {
        long[] in = step.inputShape();
        long[] h = padding.pads(in[0], kh, sh);
        long[] w = padding.pads(in[1], kw, sw);
        return new long[] {h[0], w[0], h[1], w[1]};
    }

    /** Rewrites a row-major HWIO kernel as OIHW: {@code dst[o][i][h][w] = src[h][w][i][o]}. */
    static float[] hwioToOihw(float[] src, long[] hwio) {
        int kh = (int) hwio[0];
        int kw = (int) hwio[1];
        int ci = (int) hwio[2];
        int co = (int) hwio[3];
        float[] dst = new float[src.length];
        for (int h = 0; h < kh; h++) {
            for (int w = 0; w < kw; w++) {
                for (int i = 0; i < ci; i++) {
                    for (int o = 0; o < co; o++) {
                        dst[((o * ci + i) * kh + h) * kw + w] = src[((h * kw + w) * ci + i) * co + o];
                    }
                }
            }
        }
        return dst;
    }
}
