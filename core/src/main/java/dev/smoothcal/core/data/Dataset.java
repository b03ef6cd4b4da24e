package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory labelled image split: raw pixel values as float32 in NHWC order, one int label per
 * image, and the class names. Pixels are never normalised here; normalisation lives in the model graphs.
 *
 * <p>Instances are immutable in intent: accessors return the backing arrays without copying, for
 * speed; callers must not modify them.
 *
 * @param name human-readable name, e.g. {@code digits/train}
 * @param images {@code size() * shape.size()} raw pixel values, image after image, NHWC
 * @param labels one class index per image, each in {@code [0, classNames.size())}
 * @param shape the shape of one image
 * @param classNames the class names, index = label
 */
public record Dataset(String name, float[] images, int[] labels, ImageShape shape, List<String> classNames) {

    /**
     * Checks that every component is present, the pixel count matches {@code labels.length * shape.size()}
     * and every label is a class index; copies the class names.
     *
     * @param name human-readable name, e.g. {@code digits/train}
     * @param images {@code size() * shape.size()} raw pixel values, image after image, NHWC
     * @param labels one class index per image, each in {@code [0, classNames.size())}
     * @param shape the shape of one image
     * @param classNames the class names, index = label
     * @throws SmoothcalException if there is no class, the pixel count does not match or a label is out of range
     */
    public Dataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(classNames, "classNames");
        if (classNames.isEmpty()) {
            throw new SmoothcalException("dataset " + name + " must have at least one class, found none");
        }
        classNames = List.copyOf(classNames);
        if ((long) labels.length * shape.size() != images.length) {
            throw new SmoothcalException("dataset " + name + ": expected " + labels.length + " images of "
                    + shape + " (" + (long) labels.length * shape.size() + " values), found " + images.length
                    + " values");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new SmoothcalException("dataset " + name + ": label of sample " + i + " must be in [0, "
                        + classNames.size() + "), found " + labels[i]);
            }
        }
    }

    /**
     * Number of images.
     *
     * @return the image count N, also the label count
     */
    public int size() {
        return labels.length;
    }

    /**
     * Number of classes K.
     *
     * @return the class count K
     */
    public int numClasses() {
        return classNames.size();
    }

    /**
     * Images per class, index = label.
     *
     * @return K counts, index = label; they add up to {@link #size()}
     */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * A new dataset holding the given samples in the given order (copies); indices may repeat.
     *
     * @param newName the name of the new dataset
     * @param indices the sample indices to take, in order
     * @return a dataset of {@code indices.length} samples
     * @throws SmoothcalException if an index is outside {@code [0, size())}
     */
    public Dataset select(String newName, int[] indices) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= size()) {
                throw new SmoothcalException("select from " + name + ": index " + i + " must be in [0, " + size()
                        + "), found " + indices[i]);
            }
        }
        int per = shape.size();
        long total = (long) indices.length * per;
        if (total > Integer.MAX_VALUE - 8) {
            throw new SmoothcalException("select from " + name + ": " + indices.length + " images of " + shape
                    + " do not fit in one array");
        }
        float[] x = new float[(int) total];
        int[] y = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(images, indices[i] * per, x, i * per, per);
            y[i] = labels[indices[i]];
        }
        return new Dataset(newName, x, y, shape, classNames);
    }

    /**
     * Samples {@code [from, to)} as a new dataset (copies).
     *
     * @param from the first sample taken, inclusive
     * @param to the end, exclusive
     * @return a dataset of {@code to - from} samples
     */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new SmoothcalException("slice of " + name + ": expected 0 <= from <= to <= " + size() + ", found ["
                    + from + ", " + to + ")");
        }
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return select(name, idx);
    }

    /**
     * SHA-256 over shape, class names, labels and pixel bits, as {@code sha256:HEX}. Two datasets with
     * the same content have the same fingerprint whatever file they came from.
     *
     * @return {@code sha256:} and 64 lower-case hex digits
     */
    public String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(shape.height()).putInt(shape.width()).putInt(shape.channels()).putInt(size());
            sha.update(header.array());
            sha.update(String.join("\n", classNames).getBytes(StandardCharsets.UTF_8));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (int label : labels) {
                if (buf.remaining() < 4) {
                    flush(sha, buf);
                }
                buf.putInt(label);
            }
            for (float v : images) {
                if (buf.remaining() < 4) {
                    flush(sha, buf);
                }
                buf.putFloat(v);
            }
            flush(sha, buf);
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw SmoothcalException.defect("SHA-256 is required of every JVM", e);
        }
    }

    private static void flush(MessageDigest sha, ByteBuffer buf) {
        sha.update(buf.array(), 0, buf.position());
        buf.clear();
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + size() + " x " + shape + ", " + numClasses() + " classes]";
    }
}
