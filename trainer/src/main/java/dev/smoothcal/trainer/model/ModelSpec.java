package dev.smoothcal.trainer.model;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.trainer.model.Layer.Bias;
import dev.smoothcal.trainer.model.ResolvedModel.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named, declarative network: the hidden layers; {@link #resolve} appends the classifier head.
 *
 * <p>Presets ({@link #preset}):
 * <ul>
 * <li>{@code mlp}: Flatten, Dense 256, ReLU, Dense 128, ReLU.</li>
 * <li>{@code cnn}: two blocks of Conv 3x3 SAME (32, then 64 filters, no bias) + BatchNorm + ReLU +
 *     MaxPool 2x2 stride 2 SAME, then Flatten, Dropout 0.25, Dense 128, ReLU, Dropout 0.25. SAME pooling
 *     rounds up (28 -> 14 -> 7, 8 -> 4 -> 2), so it takes any input from 1x1 and keeps every border pixel;
 *     Flatten (not global pooling) keeps where features are, which Fashion-MNIST's classes need.</li>
 * <li>{@code minigooglenet}: the CIFAR-10 MiniGoogLeNet (Zhang et al. 2017, as in the Keras tutorial):
 *     conv(96, 3x3), inception(32,32), inception(32,48), downsample(80), inception(112,48),
 *     inception(96,64), inception(80,80), inception(48,96), downsample(96), inception(176,160),
 *     inception(176,160), global average pool, Dropout 0.5. conv = Conv SAME (with bias) + BatchNorm +
 *     ReLU; inception(a,b) = Concat[conv(a,1x1), conv(b,3x3)]; downsample(k) = Concat[conv(k,3x3,
 *     stride 2, VALID), MaxPool 3x3 stride 2 VALID]. On 32x32 the two downsamples give 15x15 and 7x7 (the
 *     tutorial's 7x7 average pool); inputs need at least 7x7.</li>
 * <li>{@code resnet20}, {@code resnet56}: He et al. 2016's CIFAR ResNets (section 4.2), depth 6n+2 with
 *     n = 3 and 9: conv(16, 3x3), three stages of n basic blocks {@code Add[conv(f,3x3,s) + ReLU +
 *     conv(f,3x3), shortcut] + ReLU} with f = 16, 32, 64 (the first block of stages 2 and 3 with stride
 *     2), global average pool. conv = Conv SAME without bias + BatchNorm. Shortcuts are option B: the
 *     identity, or a projection conv(f, 1x1, stride 2) + BatchNorm where the shape changes (the paper's
 *     CIFAR nets use option A, zero-padded identity, which adds no parameters: B adds 2 projections).
 *     ResNet-20 has 274,042 parameters (272,474 trainable; the paper: 0.27M), ResNet-56 860,026 (0.85M).</li>
 * </ul>
 * {@link ModelSpec#fromJson} reads user architectures.
 *
 * @param name preset name or a user-chosen name
 * @param layers hidden layers, in order
 * @param classes the class count the model is meant for, checked against the data by {@link #resolve};
 *     0 when the data decides (every preset)
 */
public record ModelSpec(String name, List<Layer> layers, int classes) {

    /**
     * The most parameters (trainable and state) a resolved model may have: 2^27, 512 MiB of float32 weights,
     * about 2 GiB once Adam's two slots and the gradients are counted. {@link #resolve} refuses a larger model
     * before anything is allocated or written.
     */
    public static final long PARAMETER_BUDGET = 1L << 27;
    /** The most values one layer may output per image (2^28, 1 GiB of float32 activations per image). */
    public static final long MAX_ACTIVATION_VALUES = 1L << 28;

    private static final Map<String, ModelSpec> PRESETS = presets();

    /**
     * Validates: name not blank, {@code classes} 0 or at least 2; copies the layer list.
     *
     * @param name preset name or a user-chosen name
     * @param layers hidden layers, in order
     * @param classes 0 when the data decides, else at least 2
     */
    public ModelSpec {
        if (name == null || name.isBlank()) {
            throw new SmoothcalException("model name must not be empty");
        }
        layers = List.copyOf(layers);
        if (classes < 0 || classes == 1) {
            throw new SmoothcalException("model " + name + ": classes must be 0 (from the data) or at least 2, found "
                    + classes);
        }
    }

    /**
     * A model whose class count comes from the data.
     *
     * @param name preset name or a user-chosen name
     * @param layers hidden layers, in order
     */
    public ModelSpec(String name, List<Layer> layers) {
        this(name, layers, 0);
    }

    /**
     * Starts a model description in Java, for example
     * {@code ModelSpec.builder("small").conv2d(16, 3).batchNorm().relu().maxPool(2).flatten().dense(64)
     * .relu().dropout(0.25).build()}. Left-out settings take Keras' defaults (listed on {@link LayerBuilder}):
     * conv stride 1, VALID, with bias; pooling stride = pool, VALID; batch norm 0.99 / 1e-3. The class
     * count comes from the data unless {@link Builder#classes} sets it.
     *
     * @param name the model's name, not blank (checked by {@link Builder#build})
     * @return an empty builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Starts one branch of a {@link Layer.Concat}, for {@link LayerBuilder#concat(LayerBuilder.Branch,
     * LayerBuilder.Branch, LayerBuilder.Branch...)}; an empty branch passes the input through. For example
     * {@code .concat(ModelSpec.branch().conv2d(32, 1, Padding.SAME), ModelSpec.branch().maxPool(3, 1, Padding.SAME))}.
     *
     * @return an empty branch builder
     */
    public static LayerBuilder.Branch branch() {
        return new LayerBuilder.Branch();
    }

    /** Builds a {@link ModelSpec} layer by layer; made by {@link ModelSpec#builder}. */
    public static final class Builder extends LayerBuilder<Builder> {
        private final String name;
        private int classes;

        Builder(String name) {
            this.name = name;
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * Declares the class count, so training refuses data with another one; by default (0) the data decides.
         *
         * @param classes 0, or at least 2
         * @return this builder
         */
        public Builder classes(int classes) {
            this.classes = classes;
            return this;
        }

        /**
         * The model described so far.
         *
         * @return the model
         * @throws SmoothcalException if the name is blank or the class count is 1 or negative
         */
        public ModelSpec build() {
            return new ModelSpec(name, layers(), classes);
        }
    }

    /**
     * The names {@link #preset} knows.
     *
     * @return preset names, sorted
     */
    public static List<String> presetNames() {
        return PRESETS.keySet().stream().sorted().toList();
    }

    /**
     * The preset called {@code name}.
     *
     * @param name a preset name, one of {@link #presetNames()}
     * @return the preset
     * @throws SmoothcalException naming parameter {@code model} and listing the presets when the name is unknown
     */
    public static ModelSpec preset(String name) {
        ModelSpec spec = PRESETS.get(name);
        if (spec == null) {
            throw SmoothcalException.invalid("model", "must be one of " + presetNames() + ", found '" + name + "'");
        }
        return spec;
    }

    /**
     * A preset by name, or else a JSON model file ({@link #fromJson}).
     *
     * @param presetOrPath a preset name or the path of a JSON model file
     * @return the model
     * @throws SmoothcalException naming parameter {@code model} when {@code presetOrPath} is neither a preset
     *     nor an existing file; as {@link #fromJson} when the file is not a valid model
     */
    public static ModelSpec load(String presetOrPath) {
        if (presetOrPath == null || presetOrPath.isBlank()) {
            throw SmoothcalException.invalid("model", "must be one of " + presetNames() + " or a JSON model file, found none");
        }
        if (PRESETS.containsKey(presetOrPath)) {
            return PRESETS.get(presetOrPath);
        }
        Path file = Path.of(presetOrPath);
        if (Files.isRegularFile(file)) {
            return fromJson(file);
        }
        throw SmoothcalException.invalid("model", "must be one of " + presetNames()
                + " or a JSON model file, found '" + presetOrPath + "' (no such preset or file)");
    }

    /**
     * Reads a model from a JSON file; every error names the file, the layer path and the field.
     * Schema: {@code {"name": "...", "classes": K, "layers": [LAYER, ...]}} ({@code classes} optional: when
     * given, training refuses data with another class count) with LAYER one of
     * <pre>{@code
     * {"type": "conv2d", "filters": 32, "kernel": [3, 3], "strides": [1, 1], "padding": "same", "use_bias": true}
     * {"type": "max_pool" | "average_pool", "pool": [2, 2], "strides": [2, 2], "padding": "valid"}
     * {"type": "batch_norm", "momentum": 0.99, "epsilon": 0.001}
     * {"type": "concat", "branches": [[LAYER, ...], [LAYER, ...]]}
     * {"type": "global_average_pool"} {"type": "flatten"} {"type": "relu"}
     * {"type": "dropout", "rate": 0.25} {"type": "dense", "units": 128}
     * }</pre>
     * A single integer for {@code kernel}, {@code pool} or {@code strides} means the same on both axes.
     * Defaults, as Keras: conv strides 1, padding "valid", use_bias true; pooling strides = pool, padding
     * "valid"; batch_norm momentum 0.99, epsilon 0.001. The head {@code Dense(classes)} is appended by
     * {@link #resolve}, never listed. Unknown keys are errors, so a misspelt key cannot fall back to a default.
     *
     * @param file the JSON model file
     * @return the model it describes
     * @throws SmoothcalException when the file cannot be read or is not a valid model
     */
    public static ModelSpec fromJson(Path file) {
        return ModelJson.read(file);
    }

    /**
     * Parses a model from JSON text in the schema of {@link #fromJson}.
     *
     * @param json the JSON text
     * @return the model it describes
     * @throws SmoothcalException naming the layer path and field when the text is not a valid model
     */
    public static ModelSpec parseJson(String json) {
        return ModelJson.parse(json, "model JSON");
    }

    /**
     * Parses a model from JSON text in the schema of {@link #fromJson}, naming {@code source} in errors.
     *
     * @param json the JSON text
     * @param source where the text came from, the start of every error message ({@code recipe file r.json: model})
     * @return the model it describes
     * @throws SmoothcalException naming the source, the layer path and field when the text is not a valid model
     */
    public static ModelSpec parseJson(String json, String source) {
        return ModelJson.parse(json, source);
    }

    /**
     * This model as JSON text in the schema that {@link #fromJson} reads; {@link #parseJson} gives back an
     * equal {@code ModelSpec}.
     *
     * @return the JSON text
     */
    public String toJson() {
        return ModelJson.write(this);
    }

    /**
     * Resolves every layer's output and parameter shapes for {@code input} images and {@code numClasses}
     * classes, appending the head {@code Dense(numClasses)}. Parameter names are flat and numbered per
     * kind through the whole model, branches included ({@code conv3_kernel}, {@code bn2_moving_mean},
     * {@code dense1_bias}), which TF optimizers need for their slot names.
     *
     * @throws SmoothcalException naming the layer (as {@code layers[i]} or {@code layers[i].branches[b][j]}),
     *     its input shape and what it needs, if a layer cannot take its input: a window larger than a
     *     VALID input, a spatial layer on a flat input, Dense on an unflattened image, Concat branches
     *     that end in different spatial shapes; naming {@code model} when the parameters exceed
     *     {@link #PARAMETER_BUDGET} or a layer outputs more than {@link #MAX_ACTIVATION_VALUES} values per image
     *     (counted in 64-bit arithmetic that cannot overflow)
     * @param input the image shape the model reads
     * @param numClasses the class count of the data, at least 2 (and equal to {@link #classes} when that is set)
     * @return the model with every shape and parameter resolved
     */
    public ResolvedModel resolve(ImageShape input, int numClasses) {
        if (numClasses < 2) {
            throw new SmoothcalException("a classifier needs at least 2 classes, found " + numClasses);
        }
        if (classes != 0 && classes != numClasses) {
            throw new SmoothcalException("model " + name + " declares " + classes + " classes, found data with "
                    + numClasses + " classes");
        }
        Resolver r = new Resolver(name);
        long[] shape = {input.height(), input.width(), input.channels()};
        List<ResolvedModel.Step> steps = r.sequence(layers, shape, "layers");
        long[] last = steps.isEmpty() ? shape : steps.get(steps.size() - 1).outputShape();
        steps.add(r.step(new Layer.Dense(numClasses), last, "head"));
        return new ResolvedModel(name, input, numClasses, steps);
    }

    /** Walks layers, numbering parameters per kind; one instance per resolve call. */
    private static final class Resolver {
        private final String model;
        private int conv;
        private int bn;
        private int dense;
        private long parameters;

        Resolver(String model) {
            this.model = model;
        }

        List<ResolvedModel.Step> sequence(List<Layer> layers, long[] shape, String path) {
            List<ResolvedModel.Step> steps = new ArrayList<>();
            long[] in = shape;
            for (int i = 0; i < layers.size(); i++) {
                ResolvedModel.Step s = step(layers.get(i), in, path + "[" + i + "]");
                steps.add(s);
                in = s.outputShape();
            }
            return steps;
        }

        ResolvedModel.Step step(Layer layer, long[] in, String path) {
            ResolvedModel.Step s = layer.accept(new Shapes(layer, in, path));
            for (ResolvedModel.Param p : s.params()) {
                long n = elements(p.shape());
                parameters = n == Long.MAX_VALUE || parameters > Long.MAX_VALUE - n ? Long.MAX_VALUE : parameters + n;
                if (parameters > PARAMETER_BUDGET) {
                    throw SmoothcalException.invalid("model", name(path, layer) + " brings the model to "
                            + shown(parameters) + " parameters, above the budget of " + PARAMETER_BUDGET
                            + " (its " + p.role().suffix() + " has shape " + Arrays.toString(p.shape()) + ")");
                }
            }
            long values = elements(s.outputShape());
            if (values > MAX_ACTIVATION_VALUES) {
                throw SmoothcalException.invalid("model", name(path, layer) + " outputs " + shown(values)
                        + " values per image, above the limit of " + MAX_ACTIVATION_VALUES + " (shape "
                        + Arrays.toString(s.outputShape()) + ")");
            }
            return s;
        }

        private String name(String path, Layer layer) {
            return model + ": " + path + " " + layer;
        }

        /** The product of {@code shape}, {@code Long.MAX_VALUE} when it overflows. */
        private static long elements(long[] shape) {
            long n = 1;
            try {
                for (long d : shape) {
                    n = Math.multiplyExact(n, d);
                }
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
            return n;
        }

        private static String shown(long n) {
            return n == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : Long.toString(n);
        }

        /** The shape rule of each layer type for one layer reading {@code in}, at {@code path} in the model. */
        private final class Shapes implements Layer.Visitor<ResolvedModel.Step> {
            private final Layer layer;
            private final long[] in;
            private final String path;

            Shapes(Layer layer, long[] in, String path) {
                this.layer = layer;
                this.in = in;
                this.path = path;
            }

            @Override
            public ResolvedModel.Step dense(Layer.Dense d) {
                if (in.length != 1) {
                    throw fail(path, layer, in, "a flat input (add a Flatten or GlobalAveragePool before it)");
                }
                dense++;
                String p = "dense" + dense;
                return new ResolvedModel.Step(layer, in, new long[] {d.units()}, List.of(
                        param(p, new long[] {in[0], d.units()}, Role.KERNEL),
                        param(p, new long[] {d.units()}, Role.BIAS)));
            }

            @Override
            public ResolvedModel.Step relu(Layer.Relu r) {
                return same();
            }

            @Override
            public ResolvedModel.Step dropout(Layer.Dropout d) {
                return same();
            }

            @Override
            public ResolvedModel.Step flatten(Layer.Flatten f) {
                return new ResolvedModel.Step(layer, in, new long[] {elements(in)}, List.of());
            }

            @Override
            public ResolvedModel.Step conv2d(Layer.Conv2D c) {
                long[] out = window(path, layer, in, c.kernelH(), c.kernelW(), c.strideH(), c.strideW(), c.padding());
                out[2] = c.filters();
                conv++;
                String p = "conv" + conv;
                List<ResolvedModel.Param> params = new ArrayList<>();
                params.add(param(p, new long[] {c.kernelH(), c.kernelW(), in[2], c.filters()}, Role.KERNEL));
                if (c.bias() == Bias.USE) {
                    params.add(param(p, new long[] {c.filters()}, Role.BIAS));
                }
                return new ResolvedModel.Step(layer, in, out, params);
            }

            @Override
            public ResolvedModel.Step maxPool(Layer.MaxPool m) {
                return new ResolvedModel.Step(layer, in,
                        window(path, layer, in, m.poolH(), m.poolW(), m.strideH(), m.strideW(), m.padding()), List.of());
            }

            @Override
            public ResolvedModel.Step averagePool(Layer.AveragePool a) {
                return new ResolvedModel.Step(layer, in,
                        window(path, layer, in, a.poolH(), a.poolW(), a.strideH(), a.strideW(), a.padding()), List.of());
            }

            @Override
            public ResolvedModel.Step globalAveragePool(Layer.GlobalAveragePool g) {
                if (in.length != 3) {
                    throw fail(path, layer, in, "an image input [H, W, C]");
                }
                return new ResolvedModel.Step(layer, in, new long[] {in[2]}, List.of());
            }

            @Override
            public ResolvedModel.Step batchNorm(Layer.BatchNorm b) {
                long c = in[in.length - 1];
                bn++;
                String p = "bn" + bn;
                return new ResolvedModel.Step(layer, in, in, List.of(
                        param(p, new long[] {c}, Role.GAMMA),
                        param(p, new long[] {c}, Role.BETA),
                        param(p, new long[] {c}, Role.MOVING_MEAN),
                        param(p, new long[] {c}, Role.MOVING_VARIANCE)));
            }

            @Override
            public ResolvedModel.Step concat(Layer.Concat cat) {
                if (in.length != 3) {
                    throw fail(path, layer, in, "an image input [H, W, C]");
                }
                List<List<ResolvedModel.Step>> branches = new ArrayList<>();
                long channels = 0;
                long[] spatial = null;
                String first = null;
                for (int b = 0; b < cat.branches().size(); b++) {
                    String bp = path + ".branches[" + b + "]";
                    List<ResolvedModel.Step> steps = sequence(cat.branches().get(b), in, bp);
                    long[] out = steps.isEmpty() ? in : steps.get(steps.size() - 1).outputShape();
                    if (out.length != 3) {
                        throw new SmoothcalException("model " + model + ": " + bp + " of Concat must end in an image"
                                + " [H, W, C] to concatenate on channels, found shape " + Arrays.toString(out));
                    }
                    if (spatial == null) {
                        spatial = out;
                        first = bp;
                    } else if (spatial[0] != out[0] || spatial[1] != out[1]) {
                        throw new SmoothcalException("model " + model + ": Concat at " + path
                                + " needs branches of equal height and width, found " + first + " -> "
                                + Arrays.toString(spatial) + " and " + bp + " -> " + Arrays.toString(out)
                                + " (input " + Arrays.toString(in) + ")");
                    }
                    channels += out[2];
                    branches.add(steps);
                }
                return new ResolvedModel.Step(layer, in, new long[] {spatial[0], spatial[1], channels}, List.of(),
                        branches);
            }

            @Override
            public ResolvedModel.Step add(Layer.Add sum) {
                List<List<ResolvedModel.Step>> branches = new ArrayList<>();
                long[] shape = null;
                String first = null;
                for (int b = 0; b < sum.branches().size(); b++) {
                    String bp = path + ".branches[" + b + "]";
                    List<ResolvedModel.Step> steps = sequence(sum.branches().get(b), in, bp);
                    long[] out = steps.isEmpty() ? in : steps.get(steps.size() - 1).outputShape();
                    if (shape == null) {
                        shape = out;
                        first = bp;
                    } else if (!Arrays.equals(shape, out)) {
                        throw new SmoothcalException("model " + model + ": Add at " + path
                                + " needs branches of equal shape to sum, found " + first + " -> "
                                + Arrays.toString(shape) + " and " + bp + " -> " + Arrays.toString(out)
                                + " (input " + Arrays.toString(in) + ")");
                    }
                    branches.add(steps);
                }
                return new ResolvedModel.Step(layer, in, shape, List.of(), branches);
            }

            /** A layer that keeps its input's shape and has no parameters. */
            private ResolvedModel.Step same() {
                return new ResolvedModel.Step(layer, in, in, List.of());
            }
        }

        private long[] window(String path, Layer layer, long[] in, int kh, int kw, int sh, int sw, Padding padding) {
            if (in.length != 3) {
                throw fail(path, layer, in, "an image input [H, W, C]");
            }
            long oh = padding.outputSize(in[0], kh, sh);
            long ow = padding.outputSize(in[1], kw, sw);
            if (oh < 1 || ow < 1) {
                throw fail(path, layer, in, "at least " + kh + "x" + kw + " pixels for its " + kh + "x" + kw
                        + " " + padding + " window");
            }
            return new long[] {oh, ow, in[2]};
        }

        private SmoothcalException fail(String path, Layer layer, long[] in, String needs) {
            return new SmoothcalException("model " + model + ": " + path + " " + layer + " needs " + needs
                    + ", found input shape " + Arrays.toString(in));
        }

        /** The parameter with {@code role} of the layer called {@code layer} ({@code conv3}), named {@code conv3_kernel}. */
        private static ResolvedModel.Param param(String layer, long[] shape, Role role) {
            return new ResolvedModel.Param(layer + "_" + role.suffix(), shape, role);
        }
    }

    private static Map<String, ModelSpec> presets() {
        Map<String, ModelSpec> m = new LinkedHashMap<>();
        m.put("mlp", new ModelSpec("mlp", List.of(new Layer.Flatten(), new Layer.Dense(256), new Layer.Relu(),
                new Layer.Dense(128), new Layer.Relu())));
        m.put("cnn", new ModelSpec("cnn", List.of(
                Layer.Conv2D.square(32, 3, 1, Padding.SAME, Bias.NONE), new Layer.BatchNorm(), new Layer.Relu(),
                new Layer.MaxPool(2, 2, 2, 2, Padding.SAME),
                Layer.Conv2D.square(64, 3, 1, Padding.SAME, Bias.NONE), new Layer.BatchNorm(), new Layer.Relu(),
                new Layer.MaxPool(2, 2, 2, 2, Padding.SAME),
                new Layer.Flatten(), new Layer.Dropout(0.25), new Layer.Dense(128), new Layer.Relu(),
                new Layer.Dropout(0.25))));
        List<Layer> g = new ArrayList<>();
        g.addAll(convModule(96, 3, 1, Padding.SAME));
        g.add(inception(32, 32));
        g.add(inception(32, 48));
        g.add(downsample(80));
        g.add(inception(112, 48));
        g.add(inception(96, 64));
        g.add(inception(80, 80));
        g.add(inception(48, 96));
        g.add(downsample(96));
        g.add(inception(176, 160));
        g.add(inception(176, 160));
        g.add(new Layer.GlobalAveragePool());
        g.add(new Layer.Dropout(0.5));
        m.put("minigooglenet", new ModelSpec("minigooglenet", g));
        m.put("resnet20", cifarResNet("resnet20", 3));
        m.put("resnet56", cifarResNet("resnet56", 9));
        return Map.copyOf(m);
    }

    /**
     * He et al. 2016's CIFAR ResNet of depth {@code 6n + 2} with projection (option B) shortcuts where the
     * shape changes: conv(16), then three stages of {@code n} basic blocks with 16, 32 and 64 filters (the
     * first block of stages 2 and 3 strides 2), global average pooling; the head Dense(K) follows.
     */
    private static ModelSpec cifarResNet(String name, int n) {
        List<Layer> layers = new ArrayList<>(bnConv(16, 3, 1));
        layers.add(new Layer.Relu());
        int in = 16;
        for (int filters : new int[] {16, 32, 64}) {
            for (int block = 0; block < n; block++) {
                int stride = filters != in ? 2 : 1;
                List<Layer> residual = new ArrayList<>(bnConv(filters, 3, stride));
                residual.add(new Layer.Relu());
                residual.addAll(bnConv(filters, 3, 1));
                List<Layer> shortcut = filters != in ? bnConv(filters, 1, stride) : List.of();
                layers.add(new Layer.Add(List.of(residual, shortcut)));
                layers.add(new Layer.Relu());
                in = filters;
            }
        }
        layers.add(new Layer.GlobalAveragePool());
        return new ModelSpec(name, layers);
    }

    /** Conv SAME without bias, then BatchNorm (whose beta plays the bias). */
    private static List<Layer> bnConv(int filters, int k, int stride) {
        return List.of(Layer.Conv2D.square(filters, k, stride, Padding.SAME, Bias.NONE), new Layer.BatchNorm());
    }

    private static List<Layer> convModule(int filters, int k, int stride, Padding padding) {
        return List.of(Layer.Conv2D.square(filters, k, stride, padding, Bias.USE), new Layer.BatchNorm(),
                new Layer.Relu());
    }

    private static Layer inception(int n1, int n3) {
        return new Layer.Concat(List.of(convModule(n1, 1, 1, Padding.SAME), convModule(n3, 3, 1, Padding.SAME)));
    }

    private static Layer downsample(int filters) {
        return new Layer.Concat(List.of(convModule(filters, 3, 2, Padding.VALID),
                List.of(new Layer.MaxPool(3, 3, 2, 2, Padding.VALID))));
    }
}
