package dev.smoothcal.evaluator.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.core.metrics.Softmax;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Feeds images of one shape to a {@link ClassifierSession} and returns class probabilities.
 *
 * <p>Layout detection: a rank-4 input whose last three dimensions match {@code H, W, C} is NHWC;
 * one matching {@code C, H, W} is NCHW (NHWC wins when both match); a rank-2 input of width
 * {@code H*W*C} is flat. Symbolic dimensions (-1) match anything. Output kind detection: an output
 * named like {@code logits} holds logits; otherwise the first batch decides: rows that are
 * non-negative and sum to 1 within 1e-3 are probabilities, anything else is logits. Logits are turned
 * into probabilities with a numerically stable softmax in double precision.
 */
public final class ImageClassifier {
    private static final double SUM_TOLERANCE = 1e-3;

    private final ClassifierSession session;
    private final ImageShape imageShape;
    private final InferenceOptions options;
    private final InputLayout layout;
    private final String output;
    private final int numClasses;
    private OutputKind kind;

    /**
     * Plans how to feed {@code imageShape} images to {@code session}.
     *
     * @param session the open model; closed by its opener, not here
     * @param imageShape the shape of every image to classify
     * @param options batch size, layout, output and preprocessing
     * @throws SmoothcalException when the model's input cannot take such images, or the output is unknown
     */
    public ImageClassifier(ClassifierSession session, ImageShape imageShape, InferenceOptions options) {
        this.session = session;
        this.imageShape = imageShape;
        this.options = options;
        options.preprocessing().requireChannels(imageShape.channels());
        this.layout = options.layout().orElseGet(() -> detectLayout(session.inputShape(), imageShape, session));
        requireCompatible(session.inputShape(), layout, imageShape, session);
        Map<String, long[]> outputs = session.outputs();
        this.output = options.outputName().orElseGet(() -> outputs.containsKey("logits") ? "logits"
                : outputs.keySet().iterator().next());
        long[] outShape = outputs.get(output);
        if (outShape == null) {
            throw new SmoothcalException("--output: expected one of " + outputs.keySet() + ", found '" + output + "'");
        }
        if (outShape.length != 2) {
            throw new SmoothcalException(session.path() + ": expected output '" + output
                    + "' of shape [batch, classes], found " + Arrays.toString(outShape));
        }
        this.numClasses = (int) outShape[1];
        this.kind = options.outputKind().orElse(output.toLowerCase(Locale.ROOT).contains("logit") ? OutputKind.LOGITS : null);
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
     * What the output holds; null until the first batch when it is being detected.
     *
     * @return logits or probabilities, or null before the first batch when detecting
     */
    public OutputKind outputKind() {
        return kind;
    }

    /**
     * Classes in the output, or -1 when its class dimension is symbolic (known after the first batch).
     *
     * @return K, or -1 before the first batch
     */
    public int numClasses() {
        return numClasses;
    }

    /** Receives each batch's probabilities. */
    @FunctionalInterface
    public interface BatchConsumer {
        /**
         * @param from index of the batch's first sample in the dataset
         * @param count samples in the batch
         * @param probabilities row-major {@code [count, K]}
         * @param numClasses K
         */
        void accept(int from, int count, float[] probabilities, int numClasses);
    }

    /** Receives each batch's raw model output beside its probabilities. */
    @FunctionalInterface
    public interface RawBatchConsumer {
        /**
         * @param from index of the batch's first sample in the dataset
         * @param count samples in the batch
         * @param raw the output as the model returned it, row-major {@code [count, K]}: logits or
         *     probabilities, see {@link #outputKind()}
         * @param probabilities row-major {@code [count, K]}; the same array as {@code raw} for a
         *     probabilities output
         * @param numClasses K
         */
        void accept(int from, int count, float[] raw, float[] probabilities, int numClasses);
    }

    /**
     * Runs every image of {@code data} in batches, in order.
     *
     * @param data the images; their shape must be the planned one
     * @param consumer receives each batch's probabilities, in order
     */
    public void predict(Dataset data, BatchConsumer consumer) {
        predictRaw(data, (from, count, raw, probabilities, k) -> consumer.accept(from, count, probabilities, k));
    }

    /**
     * Runs every image of {@code data} in batches, in order, handing over the raw output too (temperature
     * scaling needs the logits, which the probabilities have lost to float32 rounding).
     *
     * @param data the images; their shape must be the planned one
     * @param consumer receives each batch's raw output and probabilities, in order
     */
    public void predictRaw(Dataset data, RawBatchConsumer consumer) {
        if (!data.shape().equals(imageShape)) {
            throw new SmoothcalException("expected images of " + imageShape + ", found " + data.shape());
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int per = imageShape.size();
        int batch = Math.min(options.batchSize(), Math.max(1, data.size()));
        FloatBuffer buffer = ByteBuffer.allocateDirect(batch * per * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        OnnxTensor full = null;
        try {
            for (int from = 0; from < data.size(); from += batch) {
                int count = Math.min(batch, data.size() - from);
                fill(buffer, data.images(), from, count);
                float[] raw;
                if (count == batch) {
                    if (full == null) {
                        // A direct buffer is shared with ORT, so the tensor is reused for every full batch.
                        full = OnnxTensor.createTensor(env, buffer, inputShape(batch));
                    }
                    raw = session.run(full, output);
                } else {
                    FloatBuffer part = buffer.duplicate();
                    part.limit(count * per);
                    try (OnnxTensor last = OnnxTensor.createTensor(env, part.slice(), inputShape(count))) {
                        raw = session.run(last, output);
                    }
                }
                consumer.accept(from, count, raw, toProbabilities(raw, count, from), raw.length / count);
            }
        } catch (OrtException e) {
            throw new SmoothcalException("could not create an input tensor for " + session.path() + ": "
                    + e.getMessage(), e);
        } finally {
            if (full != null) {
                full.close();
            }
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
        if (kind == null) {
            kind = looksLikeProbabilities(raw, count, k) ? OutputKind.PROBABILITIES : OutputKind.LOGITS;
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
            throw new SmoothcalException("--layout " + layout.name().toLowerCase(Locale.ROOT) + ": model input '"
                    + session.inputName() + "' has shape " + Arrays.toString(dims) + ", which cannot take "
                    + Arrays.toString(want) + " built from the data's " + s + " images");
        }
    }

    private static boolean matches(long dim, long size) {
        return dim < 0 || dim == size;
    }
}
