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
 * <p>Mapping: normalisation is {@code Sub}/{@code Div} by {@code [H, W, C]} initialisers holding each
 * channel's mean and std at every pixel, or one {@code Sub} of a {@code [H, W, C]} mean-image initialiser;
 * either broadcasts over the batch axis only. The per-channel values are tiled rather than written as
 * {@code [C]} because ONNX Runtime 1.29 broadcasts a {@code [C]} (or scalar) operand over an NHWC tensor
 * one innermost run of C values at a time: for a grey 28x28 input that made {@code Sub} and {@code Div}
 * 2-4 ms each per batch of 256, a quarter of the cnn preset's inference time, against 0.1 ms each tiled
 * (ORT's profiler, 2 threads). The arithmetic per element is the same, so the outputs are bit-identical.
 * Before the first layer that needs channels first (Conv, pooling,
 * BatchNorm, Concat or Add on an image) one {@code Transpose(perm 0,3,1,2)} turns NHWC into NCHW; a
 * {@code Flatten} of an NCHW image is preceded by {@code Transpose(perm 0,2,3,1)} so the flattened
 * order is TF's NHWC order and Dense kernels stay valid. Models without such layers get no Transpose.
 * <ul>
 * <li>Conv2D: {@code Conv} with the HWIO kernel rewritten as OIHW (same initialiser name) and explicit
 *     {@code pads [top, left, bottom, right]} from {@link Padding#pads} (TF SAME puts an odd extra pixel
 *     at the end); no {@code auto_pad}.</li>
 * <li>MaxPool / AveragePool: explicit pads likewise; AveragePool with {@code count_include_pad=0}, so a
 *     SAME window at the border averages only real pixels, as TF.</li>
 * <li>BatchNorm right after a Conv2D (in the same chain of steps): folded into that {@code Conv}, whose
 *     kernel and bias become {@code W' = W s} and {@code b' = beta + (b - mean) s} per output channel with
 *     {@code s = gamma / sqrt(var + epsilon)}, computed in double and rounded once to float
 *     (see {@code foldBatchNorm}); the initialisers are named after both layers ({@code conv1_kernel_bn1},
 *     {@code conv1_bias_bn1}). ONNX Runtime fuses such a pair itself at load (its basic level), so this
 *     makes the file simpler, not the inference faster. The outputs differ from the unfolded graph's by
 *     float rounding only (checked on real images in the tests).</li>
 * <li>Any other BatchNorm: {@code BatchNormalization} in inference form (moving mean and variance) with
 *     Keras' epsilon written out (ONNX's default differs).</li>
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

    /** Whether a BatchNorm that follows a Conv2D is folded into it ({@link #FOLDED}, what every export writes). */
    enum BatchNormExport {
        /** Into the preceding conv's kernel and bias. */
        FOLDED,
        /** As its own {@code BatchNormalization} node (the reference the folded graph is tested against). */
        SEPARATE
    }

    /** The ONNX model of {@code model} with {@code weights}, without run provenance unless {@code metadata} has it. */
    static ModelProto build(ResolvedModel model, Normalization norm, Weights weights, ModelMetadata metadata) {
        return build(model, norm, weights, metadata, BatchNormExport.FOLDED);
    }

    /** As {@link #build(ResolvedModel, Normalization, Weights, ModelMetadata)}, folding BatchNorm or not. */
    static ModelProto build(ResolvedModel model, Normalization norm, Weights weights, ModelMetadata metadata,
            BatchNormExport batchNorm) {
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
            long[] hwc = {in.height(), in.width(), in.channels()};
            g.initializer("norm_mean", tiled(norm.mean(), in.height() * in.width()), hwc)
                    .initializer("norm_std", tiled(norm.std(), in.height() * in.width()), hwc)
                    .node("Sub", List.of(RunDirectory.INPUT_NAME, "norm_mean"), "centred")
                    .node("Div", List.of("centred", "norm_std"), "normalised");
        }
        Emitter e = new Emitter(g, weights, batchNorm);
        Value x = e.steps(model.steps(), new Value("normalised", Layout.NHWC), RunDirectory.LOGITS);
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
        private final BatchNormExport batchNorm;
        private int next;

        Emitter(OnnxGraphBuilder g, Weights weights, BatchNormExport batchNorm) {
            this.g = g;
            this.weights = weights;
            this.batchNorm = batchNorm;
        }

        /**
         * Emits a chain of steps reading {@code x}, the last node writing {@code out} when not null; with
         * {@link BatchNormExport#FOLDED} a BatchNorm right after a Conv2D goes into that conv.
         */
        Value steps(List<ResolvedModel.Step> steps, Value x, String out) {
            Value v = x;
            for (int i = 0; i < steps.size(); i++) {
                ResolvedModel.Step s = steps.get(i);
                ResolvedModel.Step next = i + 1 < steps.size() ? steps.get(i + 1) : null;
                if (batchNorm == BatchNormExport.FOLDED && next != null && s.layer() instanceof Layer.Conv2D c
                        && next.layer() instanceof Layer.BatchNorm bn) {
                    v = foldedConv(s, c, next, bn, v, i + 2 == steps.size() ? out : null);
                    i++;
                } else {
                    v = step(s, v, i == steps.size() - 1 ? out : null);
                }
            }
            return v;
        }

        /** A Conv2D with the BatchNorm step after it folded into its kernel and bias. */
        private Value foldedConv(ResolvedModel.Step convStep, Layer.Conv2D c, ResolvedModel.Step bnStep,
                Layer.BatchNorm bn, Value x, String out) {
            ResolvedModel.Param k = convStep.param(Role.KERNEL);
            long[] hwio = k.shape();
            float[] bias = c.bias() == Layer.Bias.USE ? weights.get(convStep.param(Role.BIAS).name()) : null;
            float[][] folded = foldBatchNorm(hwioToOihw(weights.get(k.name()), hwio), bias,
                    weights.get(bnStep.param(Role.GAMMA).name()), weights.get(bnStep.param(Role.BETA).name()),
                    weights.get(bnStep.param(Role.MOVING_MEAN).name()),
                    weights.get(bnStep.param(Role.MOVING_VARIANCE).name()), (float) bn.epsilon());
            String suffix = "_" + layerName(bnStep.param(Role.GAMMA));
            String kernel = k.name() + suffix;
            String biasName = layerName(k) + "_bias" + suffix;
            g.initializer(kernel, folded[0], hwio[3], hwio[2], hwio[0], hwio[1]);
            g.initializer(biasName, folded[1], hwio[3]);
            return conv(convStep, c, x, kernel, biasName, out);
        }

        /** Emits a {@code Conv} of {@code x} with the named OIHW kernel and bias (null for none). */
        private Value conv(ResolvedModel.Step step, Layer.Conv2D c, Value x, String kernel, String bias, String out) {
            Value v = nchw(x);
            List<String> inputs = new ArrayList<>(List.of(v.name(), kernel));
            if (bias != null) {
                inputs.add(bias);
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
                ResolvedModel.Param k = step.param(Role.KERNEL);
                long[] hwio = k.shape();
                String kernel = k.name();
                g.initializer(kernel, hwioToOihw(weights.get(kernel), hwio),
                        hwio[3], hwio[2], hwio[0], hwio[1]);
                String bias = c.bias() == Layer.Bias.USE ? init(step.param(Role.BIAS)) : null;
                return conv(step, c, x, kernel, bias, out);
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
                    Value b = steps(branch, v, null);
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
                    Value b = steps(branch, v, null);
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

    /** {@code values} (one per channel) repeated at each of {@code pixels} pixels: a row-major {@code [H, W, C]}. */
    private static float[] tiled(float[] values, int pixels) {
        float[] out = new float[pixels * values.length];
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(values, 0, out, p * values.length, values.length);
        }
        return out;
    }

    /** The layer part of a parameter's name: {@code conv1} of {@code conv1_kernel}. */
    private static String layerName(ResolvedModel.Param p) {
        String suffix = "_" + p.role().suffix();
        return p.name().endsWith(suffix) ? p.name().substring(0, p.name().length() - suffix.length()) : p.name();
    }

    /**
     * A conv's OIHW kernel and bias with an inference-mode BatchNorm on its output folded in: per output
     * channel o, {@code s = gamma[o] / sqrt(variance[o] + epsilon)}, {@code W'[o] = W[o] s} and
     * {@code b'[o] = beta[o] + (b[o] - mean[o]) s}, each in double and rounded once to float.
     *
     * @param oihw the conv kernel, output channel outermost
     * @param bias the conv bias, or null for none (zero)
     * @param gamma BN scale, one per output channel
     * @param beta BN offset
     * @param mean BN moving mean
     * @param variance BN moving variance
     * @param epsilon BN epsilon as the graph adds it (float32)
     * @return the folded kernel (same layout) and the folded bias
     */
    static float[][] foldBatchNorm(float[] oihw, float[] bias, float[] gamma, float[] beta, float[] mean,
            float[] variance, float epsilon) {
        int out = gamma.length;
        int per = oihw.length / out;
        float[] kernel = new float[oihw.length];
        float[] b = new float[out];
        for (int o = 0; o < out; o++) {
            double s = gamma[o] / Math.sqrt((double) variance[o] + epsilon);
            for (int i = o * per; i < (o + 1) * per; i++) {
                kernel[i] = (float) (oihw[i] * s);
            }
            b[o] = (float) (beta[o] + ((bias == null ? 0.0 : bias[o]) - mean[o]) * s);
        }
        return new float[][] {kernel, b};
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
