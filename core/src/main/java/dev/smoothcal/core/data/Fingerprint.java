package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The content fingerprint of a dataset, {@code sha256:HEX} over (little-endian) height, width, channels and
 * N as int32, the class names joined by {@code \n} in UTF-8, every label as int32, then every pixel value
 * as float32 in sample order. Computed as the pixels stream past, so a dataset need not be in memory; an
 * in-memory {@link Dataset} and its streamed {@link BatchSource} give the same value.
 */
public final class Fingerprint {
    private final MessageDigest sha;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    private Fingerprint(ImageShape shape, List<String> classNames, int[] labels) {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw SmoothcalException.defect("SHA-256 is required of every JVM", e);
        }
        ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(shape.height()).putInt(shape.width()).putInt(shape.channels()).putInt(labels.length);
        sha.update(header.array());
        sha.update(String.join("\n", classNames).getBytes(StandardCharsets.UTF_8));
        for (int label : labels) {
            if (buf.remaining() < 4) {
                flush();
            }
            buf.putInt(label);
        }
    }

    /**
     * Starts a fingerprint; the pixels follow with {@link #accept(float[], int, int)}.
     *
     * @param shape the shape of one image
     * @param classNames the class names
     * @param labels every label, in sample order
     * @return the fingerprint in progress
     */
    public static Fingerprint start(ImageShape shape, List<String> classNames, int[] labels) {
        return new Fingerprint(shape, classNames, labels);
    }

    /**
     * Adds pixel values, continuing from the last ones added.
     *
     * @param pixels values
     * @param offset the first to add
     * @param length how many
     */
    public void accept(float[] pixels, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (buf.remaining() < 4) {
                flush();
            }
            buf.putFloat(pixels[i]);
        }
    }

    /**
     * Finishes the fingerprint.
     *
     * @return {@code sha256:HEX}
     */
    public String result() {
        flush();
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private void flush() {
        sha.update(buf.array(), 0, buf.position());
        buf.clear();
    }
}
