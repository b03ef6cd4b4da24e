package dev.smoothcal.trainer.train;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.ImageShape;
import java.util.Locale;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * The pixels of a split as the trainer holds them while it trains: one byte a pixel ({@link Storage#UINT8})
 * when every value is a whole number in {@code [0, 255]}, as image, IDX and CIFAR files hold them, else
 * the dataset's float32 values ({@link Storage#FLOAT32}: NumPy float arrays, resized images). A batch is
 * written straight into the buffer of a new tensor, a byte becoming the float of the same value, so the
 * tensor holds exactly the floats of the dataset (bit for bit: a value is stored as a byte only if that
 * byte converts back to the same float bits, which also keeps {@code -0.0} in float32).
 */
final class TrainingImages {
    /** How the pixels are held. */
    enum Storage {
        /** One byte a pixel. */
        UINT8,
        /** Four bytes a pixel. */
        FLOAT32
    }

    private final ImageShape shape;
    private final int size;
    private final byte[] bytes;
    private final float[] floats;

    private TrainingImages(ImageShape shape, int size, byte[] bytes, float[] floats) {
        this.shape = shape;
        this.size = size;
        this.bytes = bytes;
        this.floats = floats;
    }

    /**
     * The pixels of {@code data}, as bytes when they all fit one exactly, else the dataset's own floats
     * (shared, not copied).
     */
    static TrainingImages of(Dataset data) {
        boolean uint8 = fitsUint8(data.images(), 0, data.images().length);
        return new TrainingImages(data.shape(), data.size(), uint8 ? toBytes(data.images()) : null,
                uint8 ? null : data.images());
    }

    /**
     * The pixels of images {@code indices} of {@code data}, in that order: the same as {@code of(data.select(
     * indices))} without the float copy when they all fit a byte.
     */
    static TrainingImages of(Dataset data, int[] indices) {
        int per = data.shape().size();
        boolean uint8 = true;
        for (int i = 0; i < indices.length && uint8; i++) {
            uint8 = fitsUint8(data.images(), indices[i] * per, per);
        }
        if (!uint8) {
            return of(data.select(data.name(), indices));
        }
        byte[] out = new byte[Math.multiplyExact(indices.length, per)];
        float[] x = data.images();
        for (int i = 0; i < indices.length; i++) {
            int base = indices[i] * per;
            for (int j = 0; j < per; j++) {
                out[i * per + j] = (byte) (int) x[base + j];
            }
        }
        return new TrainingImages(data.shape(), indices.length, out, null);
    }

    /** Whether values {@code [from, from + count)} of {@code images} are all bytes exactly. */
    static boolean fitsUint8(float[] images, int from, int count) {
        for (int i = from; i < from + count; i++) {
            float v = images[i];
            if (!(v >= 0f && v <= 255f) || Float.floatToRawIntBits(v) != Float.floatToRawIntBits((float) (int) v)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] toBytes(float[] images) {
        byte[] out = new byte[images.length];
        for (int i = 0; i < images.length; i++) {
            out[i] = (byte) (int) images[i];
        }
        return out;
    }

    /** How the pixels are held. */
    Storage storage() {
        return bytes != null ? Storage.UINT8 : Storage.FLOAT32;
    }

    /** Bytes the pixels take. */
    long bytesHeld() {
        return bytes != null ? bytes.length : (long) floats.length * Float.BYTES;
    }

    /** The memory {@code images} pixels of {@code shape} take in {@code storage}, in bytes. */
    static long bytesFor(int images, ImageShape shape, Storage storage) {
        return (long) images * shape.size() * (storage == Storage.UINT8 ? 1 : Float.BYTES);
    }

    /** One line for the console: {@code 47.0 MB as uint8}. */
    static String describe(long bytes, Storage storage) {
        return String.format(Locale.ROOT, "%.1f MB as %s", bytes / 1e6, storage.name().toLowerCase(Locale.ROOT));
    }

    int size() {
        return size;
    }

    ImageShape shape() {
        return shape;
    }

    /**
     * A new tensor {@code [count, H, W, C]} of images {@code order[from] .. order[from + count - 1]} (or
     * {@code from .. from + count - 1} when {@code order} is null), written directly into its buffer.
     * The caller closes it.
     */
    TFloat32 batch(int[] order, int from, int count) {
        int per = shape.size();
        return TFloat32.tensorOf(Shape.of(count, shape.height(), shape.width(), shape.channels()), t -> {
            FloatDataBuffer out = t.asRawTensor().data().asFloats();
            float[] row = bytes != null ? new float[per] : null;
            for (int i = 0; i < count; i++) {
                int src = order == null ? from + i : order[from + i];
                if (bytes != null) {
                    int base = src * per;
                    for (int j = 0; j < per; j++) {
                        row[j] = bytes[base + j] & 0xFF;
                    }
                    out.offset((long) i * per).write(row);
                } else {
                    out.offset((long) i * per).write(floats, src * per, per);
                }
            }
        });
    }

    /**
     * A new one-hot tensor {@code [count, k]} of the labels of the same images as {@link #batch}. The
     * caller closes it.
     */
    static TFloat32 oneHot(int[] labels, int[] order, int from, int count, int k) {
        return TFloat32.tensorOf(Shape.of(count, k), t -> {
            FloatDataBuffer out = t.asRawTensor().data().asFloats();
            for (int i = 0; i < count; i++) {
                int src = order == null ? from + i : order[from + i];
                for (int j = 0; j < k; j++) {
                    out.setFloat(0f, (long) i * k + j);
                }
                out.setFloat(1f, (long) i * k + labels[src]);
            }
        });
    }
}
