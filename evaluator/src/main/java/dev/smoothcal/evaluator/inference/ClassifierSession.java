package dev.smoothcal.evaluator.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.smoothcal.core.SmoothcalException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * An ONNX Runtime session over one classifier file, with the facts a caller needs to feed it: its
 * single float input (name, shape with -1 for symbolic dimensions), its outputs, and its
 * {@code metadata_props}. Closing it closes the native session.
 *
 * <p>Every ORT failure is reported as a {@link SmoothcalException} keeping the cause: bad input when
 * the file cannot be loaded, a backend failure when a loaded session fails.
 */
public final class ClassifierSession implements AutoCloseable {
    private final Path path;
    private final OrtSession session;
    private final ExecutionProvider used;
    private final List<String> notes;
    private final String inputName;
    private final long[] inputShape;
    private final Map<String, long[]> outputs;
    private final Map<String, String> metadata;

    private ClassifierSession(Path path, OrtSession session, ExecutionProvider used, List<String> notes)
            throws OrtException {
        this.path = path;
        this.session = session;
        this.used = used;
        this.notes = List.copyOf(notes);
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            throw new SmoothcalException(path + ": expected a classifier with exactly one input, found " + inputs.size()
                    + " " + inputs.keySet());
        }
        var input = inputs.entrySet().iterator().next();
        if (!(input.getValue().getInfo() instanceof TensorInfo info)
                || info.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            throw new SmoothcalException(path + ": expected a float32 tensor input, found " + input.getValue().getInfo()
                    + " for input '" + input.getKey() + "'");
        }
        this.inputName = input.getKey();
        this.inputShape = info.getShape();
        this.outputs = new LinkedHashMap<>();
        for (var e : session.getOutputInfo().entrySet()) {
            if (e.getValue().getInfo() instanceof TensorInfo t) {
                outputs.put(e.getKey(), t.getShape());
            }
        }
        this.metadata = Map.copyOf(session.getMetadata().getCustomMetadata());
    }

    /**
     * Opens {@code model} on {@code provider}.
     *
     * @param model the {@code .onnx} file
     * @param provider where to run it
     * @return the open session, to close
     * @throws SmoothcalException bad input naming {@code model} when the file is missing, bad input when
     *     it is not a model ONNX Runtime can load, naming {@code provider} when CUDA was demanded and
     *     cannot be used
     */
    public static ClassifierSession open(Path model, ExecutionProvider provider) {
        return open(model, provider, Spinning.OFF);
    }

    /**
     * Opens {@code model} on {@code provider} with ONNX Runtime's threads spinning or not.
     *
     * @param model the {@code .onnx} file
     * @param provider where to run it
     * @param spinning whether the intra-op threads spin between operators
     * @return the open session, to close
     * @throws SmoothcalException as {@link #open(Path, ExecutionProvider)}
     */
    public static ClassifierSession open(Path model, ExecutionProvider provider, Spinning spinning) {
        if (!Files.isRegularFile(model)) {
            throw SmoothcalException.invalid("model", ": expected an .onnx file or a run directory, found "
                    + (Files.exists(model) ? "a folder without model.onnx" : "nothing") + " at " + model);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<String> notes = new ArrayList<>();
        boolean cudaBuild = cudaUnavailableReason() == null;
        // auto on the CPU-only build is plainly CPU: nothing to say. A note only when CUDA was possible.
        if (provider == ExecutionProvider.CUDA || (provider == ExecutionProvider.AUTO && cudaBuild)) {
            String why = cudaUnavailableReason();
            if (why == null) {
                try {
                    return new ClassifierSession(model, create(env, model, true, spinning), ExecutionProvider.CUDA, notes);
                } catch (OrtException e) {
                    why = "CUDA provider failed to start: " + firstLine(e.getMessage());
                }
            }
            if (provider == ExecutionProvider.CUDA) {
                throw SmoothcalException.invalid("provider", "cuda: expected a usable CUDA device, found " + why);
            }
            notes.add("using CPU: " + why);
        }
        try {
            return new ClassifierSession(model, create(env, model, false, spinning), ExecutionProvider.CPU, notes);
        } catch (OrtException e) {
            throw new SmoothcalException("expected an ONNX model that ONNX Runtime can load at " + model + ", found: "
                    + firstLine(e.getMessage()), e);
        }
    }

    /**
     * The session's options, each chosen by measurement on the {@code cnn} preset, Fashion-MNIST test split,
     * batch 256, on a 2-core machine that other builds shared (so figures are images per CPU-second of the
     * process, which load disturbs less than wall time, at load averages of 10-11):
     * <ul>
     * <li>Graph optimisation: ONNX Runtime's default, all levels. Basic and extended keep NCHW kernels
     *     (3,900 and 4,800 images per CPU-second); all adds the NCHWc layout (blocked convolutions and
     *     pooling, 7,500-11,000). Basic already fuses a BatchNorm into the conv before it.</li>
     * <li>Intra-op threads: the default (one per core). Inter-op threads and the parallel execution mode
     *     are left alone: the graph is one chain of operators, so there is nothing to run side by side
     *     (parallel mode measured no better, 9,100-10,200).</li>
     * <li>Memory pattern and CPU arena: the defaults (on). Without the pattern 8,600-9,200, without the
     *     arena 4,600-7,600: every run then allocates its activations anew.</li>
     * <li>Spinning: off unless asked ({@link Spinning}); spinning threads take cores from everything else
     *     on the machine.</li>
     * </ul>
     */
    private static OrtSession create(OrtEnvironment env, Path model, boolean cuda, Spinning spinning)
            throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.addConfigEntry("session.intra_op.allow_spinning", spinning == Spinning.ON ? "1" : "0");
            options.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            if (cuda) {
                options.addCUDA();
            }
            return env.createSession(model.toString(), options);
        }
    }

    private static String cudaUnavailableReason() {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return "this build has the CPU-only ONNX Runtime (build with -Pgpu for CUDA)";
        }
        return null;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /**
     * The provider the session runs on.
     *
     * @return CPU or CUDA, never auto
     */
    public ExecutionProvider provider() {
        return used;
    }

    /**
     * Notes for the user, such as why CUDA was not used.
     *
     * @return the notes, possibly empty
     */
    public List<String> notes() {
        return notes;
    }

    /**
     * The model file opened.
     *
     * @return its path
     */
    public Path path() {
        return path;
    }

    /**
     * The model's single input.
     *
     * @return its name
     */
    public String inputName() {
        return inputName;
    }

    /**
     * Input dimensions; -1 where the dimension is symbolic.
     *
     * @return a copy of the dimensions, outermost first
     */
    public long[] inputShape() {
        return inputShape.clone();
    }

    /**
     * Output names in model order, with their shapes (-1 for symbolic dimensions).
     *
     * @return output names to copies of their dimensions
     */
    public Map<String, long[]> outputs() {
        Map<String, long[]> copy = new LinkedHashMap<>();
        outputs.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /**
     * The model's {@code metadata_props}.
     *
     * @return keys to values, as the file holds them
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Runs one batch and returns the named outputs, all from the same run.
     *
     * @param input the batch in the model's layout, row-major; its remaining values are read
     * @param shape the input shape, batch first (for example {@code [n, H, W, C]})
     * @param names outputs to read, each one of {@link #outputs()}
     * @return each named output as a row-major float array, in the order of {@code names}
     * @throws SmoothcalException when a name is not an output of the model, or ONNX Runtime fails
     */
    public Map<String, float[]> run(FloatBuffer input, long[] shape, List<String> names) {
        for (String name : names) {
            if (!outputs.containsKey(name)) {
                throw SmoothcalException.invalid("outputName", "must be one of " + outputs.keySet() + ", found '"
                        + name + "'");
            }
        }
        try (OnnxTensor tensor = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), input, shape)) {
            return run(tensor, names);
        } catch (OrtException e) {
            throw new SmoothcalException("expected an input of shape " + Arrays.toString(shape) + " for " + path
                    + ", found: " + firstLine(e.getMessage()), e);
        }
    }

    /** Runs {@code input} (owned by the caller) and copies the named outputs out, closing the result. */
    Map<String, float[]> run(OnnxTensor input, List<String> names) {
        try (OrtSession.Result result = session.run(Map.of(inputName, input), new LinkedHashSet<>(names))) {
            Map<String, float[]> out = new LinkedHashMap<>();
            for (String name : names) {
                OnnxValue value = result.get(name).orElseThrow(() -> SmoothcalException.defect(
                        "ONNX Runtime returned no output '" + name + "' for " + path));
                if (!(value instanceof OnnxTensor t) || !(t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT)) {
                    throw new SmoothcalException(path + ": expected output '" + name + "' to be a float tensor, found "
                            + value.getInfo());
                }
                var buffer = t.getFloatBuffer();
                float[] values = new float[buffer.remaining()];
                buffer.get(values);
                out.put(name, values);
            }
            return out;
        } catch (OrtException e) {
            throw SmoothcalException.backend("ONNX Runtime failed running " + path + " on input shape "
                    + Arrays.toString(safeShape(input)) + ": " + firstLine(e.getMessage()), e);
        }
    }

    private static long[] safeShape(OnnxTensor t) {
        return t.getInfo().getShape();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw SmoothcalException.backend("could not close ONNX Runtime session of " + path, e);
        }
    }
}
