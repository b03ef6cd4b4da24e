package dev.smoothcal.evaluator.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.DataBatch;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.Shard;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.core.data.Resize;
import dev.smoothcal.core.data.ResizeRule;
import dev.smoothcal.core.metrics.Softmax;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An ONNX classifier ready to take images of one shape: the entry point for inference on any ONNX
 * model. {@link #open} resolves everything at once (the input layout, the output read, what it holds
 * and the class count), so every accessor is valid from the start; closing it closes the native session.
 *
 * <pre>{@code
 * try (ImageClassifier model = ImageClassifier.open(Path.of("model.onnx"), data.shape(),
 *         InferenceOptions.DEFAULTS, ExecutionProvider.CPU)) {
 *     ImageClassifier.Batch batch = model.predict(data.images(), 0, 32);
 *     float[] p = batch.probabilities();   // [32, K], rows sum to 1
 * }
 * }</pre>
 *
 * <p>Layout detection: a rank-4 input whose last three dimensions match {@code H, W, C} is NHWC;
 * one matching {@code C, H, W} is NCHW (NHWC wins when both match); a rank-2 input of width
 * {@code H*W*C} is flat. Symbolic dimensions (-1) match anything. Output: {@code logits} when the model
 * has an output of that name, else its first output. Output kind detection: an output named like
 * {@code logits} holds logits; otherwise a probe at open (an all-zero and an all-one image) decides:
 * rows that are non-negative and sum to 1 within 1e-3 are probabilities, anything else is logits. Logits
 * are turned into probabilities with a numerically stable softmax in double precision.
 */
public final class ImageClassifier implements AutoCloseable {
    private static final double SUM_TOLERANCE = 1e-3;

    private final ClassifierSession session;
    private final boolean ownsSession;
    private final ImageShape imageShape;
    private final InferenceOptions options;
    private final InputLayout layout;
    private final String output;
    private final int numClasses;
    private final OutputKind kind;
    /** The input's batch dimension when the model fixes it, else 0 (symbolic). */
    private final long fixedBatch;

    /**
     * Opens {@code model} for images of {@code imageShape}, resolving layout, output and output kind.
     *
     * @param model an {@code .onnx} file
     * @param imageShape the shape of the images it will be fed (H, W, C of the raw pixels)
     * @param options how to feed it; empty choices are detected
     * @param provider where ONNX Runtime runs ({@link ExecutionProvider#AUTO} falls back to CPU with a note)
     * @return the open classifier, to be closed by the caller
     * @throws SmoothcalException when the file is not a loadable classifier, or its input cannot take such
     *     images, or the output named in {@code options} does not exist
     */
    public static ImageClassifier open(Path model, ImageShape imageShape, InferenceOptions options,
            ExecutionProvider provider) {
        ClassifierSession session = ClassifierSession.open(model, provider, options.spinning());
        try {
            return new ImageClassifier(session, true, imageShape, options);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * The resize that brings images to a model's input size, read from the model's input shape: {@code [N, H,
     * W, C]} (NHWC) or {@code [N, C, H, W]} (NCHW) with C of 1 or 3, or as {@code layout} says.
     *
     * @param model an {@code .onnx} file
     * @param layout the input layout, or empty to tell it from the shape
     * @param rule how to scale
     * @return the resize to the model's H x W
     * @throws SmoothcalException naming {@code resize} when the input is flat or its height and width are not
     *     fixed, so there is no size to resize to
     */
    public static Resize inputResize(Path model, Optional<InputLayout> layout, ResizeRule rule) {
        try (ClassifierSession session = ClassifierSession.open(model, ExecutionProvider.CPU)) {
            long[] dims = session.inputShape();
            InputLayout l = layout.orElseGet(() -> dims.length == 4 && (dims[3] == 1 || dims[3] == 3) ? InputLayout.NHWC
                    : dims.length == 4 && (dims[1] == 1 || dims[1] == 3) ? InputLayout.NCHW : InputLayout.FLAT);
            long h = l == InputLayout.NHWC ? dims[1] : l == InputLayout.NCHW ? dims[2] : -1;
            long w = l == InputLayout.NHWC ? dims[2] : l == InputLayout.NCHW ? dims[3] : -1;
            if (dims.length != 4 || h < 1 || w < 1 || h > Integer.MAX_VALUE || w > Integer.MAX_VALUE) {
                throw SmoothcalException.invalid("resize", "needs a model input of fixed height and width ([N,H,W,C] "
                        + "or [N,C,H,W]), found " + session.inputName() + " of shape " + Arrays.toString(dims));
            }
            return new Resize((int) h, (int) w, rule);
        }
    }

    /**
     * Plans how to feed {@code imageShape} images to {@code session}, which stays the caller's to close.
     *
     * @param session an open session
     * @param imageShape the shape of the images it will be fed
     * @param options how to feed it; empty choices are detected
     * @throws SmoothcalException when the model's input cannot take such images, or the output is unknown
     */
    public ImageClassifier(ClassifierSession session, ImageShape imageShape, InferenceOptions options) {
        this(session, false, imageShape, options);
    }

    private ImageClassifier(ClassifierSession session, boolean ownsSession, ImageShape imageShape,
            InferenceOptions options) {
        this.session = session;
        this.ownsSession = ownsSession;
        this.imageShape = imageShape;
        this.options = options;
        options.preprocessing().requireChannels(imageShape.channels());
        this.layout = options.layout().orElseGet(() -> detectLayout(session.inputShape(), imageShape, session));
        requireCompatible(session.inputShape(), layout, imageShape, session);
        this.fixedBatch = session.inputShape().length > 0 && session.inputShape()[0] > 0 ? session.inputShape()[0] : 0;
        if (fixedBatch > 0 && fixedBatch != options.batchSize()) {
            throw SmoothcalException.invalid("batchSize", "must be " + fixedBatch + " for " + session.path()
                    + ", whose input has a fixed batch dimension of " + fixedBatch + "; found " + options.batchSize());
        }
        Map<String, long[]> outputs = session.outputs();
        if (outputs.isEmpty()) {
            throw new SmoothcalException(session.path() + ": expected a classifier with at least one tensor output, "
                    + "found none");
        }
        this.output = options.outputName().orElseGet(() -> outputs.containsKey("logits") ? "logits"
                : outputs.keySet().iterator().next());
        long[] outShape = outputs.get(output);
        if (outShape == null) {
            throw SmoothcalException.invalid("outputName", "must be one of " + outputs.keySet() + ", found '"
                    + output + "'");
        }
        if (outShape.length != 2) {
            throw new SmoothcalException(session.path() + ": expected output '" + output
                    + "' of shape [batch, classes], found " + Arrays.toString(outShape));
        }
        OutputKind named = output.toLowerCase(Locale.ROOT).contains("logit") ? OutputKind.LOGITS : null;
        OutputKind given = options.outputKind().orElse(named);
        if (given != null && outShape[1] > 0) {
            this.kind = given;
            this.numClasses = (int) outShape[1];
        } else {
            float[] probe = probe();
            int rows = fixedBatch > 0 ? (int) fixedBatch : 2;
            int k = probe.length / rows;
            this.numClasses = k;
            this.kind = given != null ? given
                    : looksLikeProbabilities(probe, rows, k) ? OutputKind.PROBABILITIES : OutputKind.LOGITS;
        }
    }

    /** Runs an all-zero and an all-one image through the raw output, unpreprocessed. */
    private float[] probe() {
        int per = imageShape.size();
        int n = fixedBatch > 0 ? (int) fixedBatch : 2;
        FloatBuffer images = FloatBuffer.allocate(n * per);
        for (int i = 0; i < n * per; i++) {
            images.put(i, i < per ? 0f : 1f);
        }
        float[] raw = session.run(images, inputShape(n), List.of(output)).get(output);
        if (raw.length == 0 || raw.length % n != 0) {
            throw new SmoothcalException(session.path() + ": expected output '" + output + "' to return [" + n
                    + ", K] for " + n + " images, found " + raw.length + " values");
        }
        return raw;
    }

    /**
     * The input layout in use.
     *
     * @return NCHW or NHWC
     */
    public InputLayout layout() {
        return layout;
    }

    /**
     * The output read.
     *
     * @return the output name
     */
    public String outputName() {
        return output;
    }

    /**
     * What the output holds, as given or detected at open.
     *
     * @return logits or probabilities
     */
    public OutputKind outputKind() {
        return kind;
    }

    /**
     * K, the number of classes the output scores (from the model's shape, or the probe at open when symbolic).
     *
     * @return K
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * The image shape this classifier takes.
     *
     * @return H, W, C of the raw pixels
     */
    public ImageShape imageShape() {
        return imageShape;
    }

    /**
     * The session underneath: input name and shape, outputs, metadata, provider, notes.
     *
     * @return the session, closed by this classifier only when {@link #open} made it
     */
    public ClassifierSession session() {
        return session;
    }

    /**
     * One batch's output.
     *
     * @param from index of the batch's first sample in the dataset (0 for {@link #predict(float[], int, int)})
     * @param count images in the batch
     * @param numClasses K
     * @param raw the output as the model returned it, row-major {@code [count, K]}: logits or probabilities,
     *     see {@link #outputKind()}
     * @param probabilities row-major {@code [count, K]}, each row summing to 1; the same array as {@code raw}
     *     for a probabilities output
     */
    public record Batch(int from, int count, int numClasses, float[] raw, float[] probabilities) {
    }

    /** Receives each batch's probabilities. */
    @FunctionalInterface
    public interface BatchConsumer {
        /**
         * Receives one batch.
         *
         * @param from index of the batch's first sample in the dataset
         * @param count images in the batch
         * @param probabilities row-major {@code [count, K]}
         * @param numClasses K
         */
        void accept(int from, int count, float[] probabilities, int numClasses);
    }

    /**
     * Predicts {@code count} images of {@code images} starting at image {@code first}, in one batch.
     *
     * @param images raw pixels, NHWC row-major, at least {@code (first + count) * H*W*C} values
     * @param first index of the first image to predict
     * @param count images to predict, at least 1
     * @return the output and the probabilities; {@link Batch#from()} is {@code first}
     */
    public Batch predict(float[] images, int first, int count) {
        int per = imageShape.size();
        if (count < 1 || first < 0 || (long) (first + count) * per > images.length) {
            throw new SmoothcalException("expected images " + first + ".." + (first + count - 1) + " of " + imageShape
                    + " in an array of " + images.length + " floats (" + images.length / per + " images)");
        }
        FloatBuffer buffer = FloatBuffer.allocate(count * per);
        fill(buffer, images, first, count);
        float[] raw = session.run(buffer, inputShape(count), List.of(output)).get(output);
        return new Batch(first, count, raw.length / count, raw, toProbabilities(raw, count, first));
    }

    /**
     * Runs every image of {@code data} in batches of {@link InferenceOptions#batchSize()}, in order.
     *
     * @param data the images (their labels are not read)
     * @param consumer receives each batch's probabilities
     */
    public void predict(Dataset data, BatchConsumer consumer) {
        predictBatches(data, b -> consumer.accept(b.from(), b.count(), b.probabilities(), b.numClasses()));
    }

    /**
     * Runs every image of {@code data} in batches, in order, handing over the raw output too (temperature
     * scaling needs the logits, which the probabilities have lost to float32 rounding). The arrays of a
     * batch are fresh: the consumer may keep them.
     *
     * @param data the images (their labels are not read)
     * @param consumer receives each batch
     */
    public void predictBatches(Dataset data, Consumer<Batch> consumer) {
        predict(BatchSource.of(data), Shard.all(data.size()), (input, output) -> consumer.accept(output));
    }

    /** Receives each batch read from a {@link BatchSource} with the model's output for it. */
    @FunctionalInterface
    public interface StreamConsumer {
        /**
         * Receives one batch.
         *
         * @param input the images and labels read
         * @param output the model's output for them
         */
        void accept(DataBatch input, Batch output);
    }

    /**
     * Streams {@code shard} of {@code data} through the model in batches of {@link InferenceOptions#batchSize()},
     * in order: memory is bounded by the batch size and the source's read-ahead, never by its size. The
     * numbers are exactly those of {@link #predictBatches(Dataset, Consumer)} on the same images.
     *
     * @param data the images
     * @param shard the samples to run
     * @param consumer receives each batch's input and output
     */
    public void predict(BatchSource data, Shard shard, StreamConsumer consumer) {
        if (!data.shape().equals(imageShape)) {
            throw new SmoothcalException("expected images of " + imageShape + ", found " + data.shape());
        }
        if (fixedBatch > 1 && shard.size() % fixedBatch != 0) {
            String which = shard.size() == data.size() ? data.name()
                    : "shard [" + shard.from() + ", " + shard.to() + ") of " + data.name();
            throw new SmoothcalException(session.path() + " takes batches of exactly " + fixedBatch + " images (a fixed "
                    + "batch dimension), which do not divide the " + shard.size() + " images of " + which
                    + "; expected a model with a dynamic batch dimension");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int per = imageShape.size();
        int batch = Math.min(options.batchSize(), Math.max(1, shard.size()));
        FloatBuffer buffer = ByteBuffer.allocateDirect(batch * per * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        List<String> names = List.of(output);
        OnnxTensor[] full = new OnnxTensor[1];
        try {
            data.read(shard, batch, input -> {
                int from = input.from();
                int count = input.count();
                fill(buffer, input.pixels(), 0, count);
                float[] raw;
                try {
                    if (count == batch) {
                        if (full[0] == null) {
                            // A direct buffer is shared with ORT, so the tensor is reused for every full batch.
                            full[0] = OnnxTensor.createTensor(env, buffer, inputShape(batch));
                        }
                        raw = session.run(full[0], names).get(output);
                    } else {
                        FloatBuffer part = buffer.duplicate();
                        part.limit(count * per);
                        try (OnnxTensor last = OnnxTensor.createTensor(env, part.slice(), inputShape(count))) {
                            raw = session.run(last, names).get(output);
                        }
                    }
                } catch (OrtException e) {
                    throw SmoothcalException.backend("could not create an input tensor for " + session.path() + ": "
                            + e.getMessage(), e);
                }
                consumer.accept(input, new Batch(from, count, raw.length / count, raw,
                        toProbabilities(raw, count, from)));
            });
        } finally {
            if (full[0] != null) {
                full[0].close();
            }
        }
    }

    /** Closes the session when this classifier opened it ({@link #open}); otherwise nothing. */
    @Override
    public void close() {
        if (ownsSession) {
            session.close();
        }
    }

    private void fill(FloatBuffer buffer, float[] images, int from, int count) {
        buffer.clear();
        int h = imageShape.height();
        int w = imageShape.width();
        int c = imageShape.channels();
        int per = imageShape.size();
        Preprocessing pre = options.preprocessing();
        boolean identity = pre.isIdentity();
        for (int n = 0; n < count; n++) {
            int base = (from + n) * per;
            if (layout == InputLayout.NCHW) {
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < h * w; i++) {
                        float v = images[base + i * c + ch];
                        buffer.put(identity ? v : (float) pre.apply(v, ch));
                    }
                }
            } else if (identity) {
                buffer.put(images, base, per);
            } else {
                for (int i = 0; i < per; i++) {
                    buffer.put((float) pre.apply(images[base + i], i % c));
                }
            }
        }
        buffer.flip();
    }

    private long[] inputShape(int batch) {
        int h = imageShape.height();
        int w = imageShape.width();
        int c = imageShape.channels();
        return switch (layout) {
            case NHWC -> new long[] {batch, h, w, c};
            case NCHW -> new long[] {batch, c, h, w};
            case FLAT -> new long[] {batch, (long) h * w * c};
        };
    }

    private float[] toProbabilities(float[] raw, int count, int from) {
        if (raw.length % count != 0) {
            throw new SmoothcalException("output '" + output + "' returned " + raw.length + " values for " + count
                    + " images; expected a multiple of the batch size");
        }
        int k = raw.length / count;
        if (k != numClasses) {
            throw new SmoothcalException("output '" + output + "' returned " + k + " classes per image for this batch, "
                    + "expected " + numClasses + " as at open");
        }
        for (int i = 0; i < raw.length; i++) {
            if (!Float.isFinite(raw[i])) {
                throw new SmoothcalException("model output '" + output + "' is " + raw[i] + " for sample "
                        + (from + i / k) + ", class " + (i % k) + "; expected finite values");
            }
        }
        if (kind == OutputKind.PROBABILITIES) {
            return raw;
        }
        double[] exact = Softmax.probabilities(raw, count, k);
        float[] p = new float[raw.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) exact[i];
        }
        return p;
    }

    private static boolean looksLikeProbabilities(float[] raw, int count, int k) {
        for (int n = 0; n < count; n++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                float v = raw[n * k + j];
                if (!(v >= 0f)) {
                    return false;
                }
                sum += v;
            }
            if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
                return false;
            }
        }
        return true;
    }

    static InputLayout detectLayout(long[] dims, ImageShape s, ClassifierSession session) {
        if (dims.length == 4) {
            if (matches(dims[1], s.height()) && matches(dims[2], s.width()) && matches(dims[3], s.channels())) {
                return InputLayout.NHWC;
            }
            if (matches(dims[1], s.channels()) && matches(dims[2], s.height()) && matches(dims[3], s.width())) {
                return InputLayout.NCHW;
            }
        } else if (dims.length == 2 && matches(dims[1], s.size())) {
            return InputLayout.FLAT;
        }
        throw new SmoothcalException("model input '" + session.inputName() + "' has shape " + Arrays.toString(dims)
                + "; expected [N," + s.height() + "," + s.width() + "," + s.channels() + "] (NHWC), [N," + s.channels()
                + "," + s.height() + "," + s.width() + "] (NCHW) or [N," + s.size() + "] (flat) for the data's "
                + s + " images");
    }

    private static void requireCompatible(long[] dims, InputLayout layout, ImageShape s, ClassifierSession session) {
        long[] want = switch (layout) {
            case NHWC -> new long[] {-1, s.height(), s.width(), s.channels()};
            case NCHW -> new long[] {-1, s.channels(), s.height(), s.width()};
            case FLAT -> new long[] {-1, s.size()};
        };
        boolean ok = dims.length == want.length;
        for (int i = 1; ok && i < dims.length; i++) {
            ok = matches(dims[i], want[i]);
        }
        if (!ok) {
            throw SmoothcalException.invalid("layout", layout.name().toLowerCase(Locale.ROOT) + ": model input '"
                    + session.inputName() + "' has shape " + Arrays.toString(dims) + ", which cannot take "
                    + Arrays.toString(want) + " built from the data's " + s + " images");
        }
    }

    private static boolean matches(long dim, long size) {
        return dim < 0 || dim == size;
    }
}
