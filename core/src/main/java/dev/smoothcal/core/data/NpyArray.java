package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * One array of a NumPy {@code .npy} file, held as its raw bytes.
 *
 * <p>The format (versions 1.0, 2.0 and 3.0): the magic {@code \x93NUMPY}, a major and a minor version
 * byte, the header length (little-endian uint16 in 1.0, uint32 in 2.0 and 3.0), then the header: a
 * Python dict literal with the keys {@code descr} (dtype), {@code fortran_order} and {@code shape}
 * (a tuple of ints), padded with spaces and a newline. The data follows, {@code prod(shape)} elements.
 * Only C order is read: a Fortran-order array is refused rather than transposed.
 *
 * @param source file (and archive entry) the array came from, for messages
 * @param dtype element type
 * @param order byte order of {@code data}
 * @param shape the dimensions; empty for a scalar
 * @param data {@code prod(shape) * dtype.size()} bytes
 */
record NpyArray(String source, NpyDtype dtype, ByteOrder order, int[] shape, byte[] data) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Number of elements, the product of the shape. */
    int count() {
        return data.length / dtype.size();
    }

    /** The shape as NumPy prints it, e.g. {@code (10000, 28, 28)} or {@code (5,)}. */
    String shapeText() {
        return shapeText(shape);
    }

    static String shapeText(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    /** Every element as float32 (integers beyond 2^24 and float64 values round). */
    float[] toFloats() {
        ByteBuffer buf = ByteBuffer.wrap(data).order(order);
        float[] out = new float[count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) dtype.get(buf, i);
        }
        return out;
    }

    /**
     * Every element as a label.
     *
     * @throws SmoothcalException if the dtype is not an integer type, or a value is negative or beyond int
     */
    int[] toLabels() {
        if (!dtype.integral()) {
            throw new SmoothcalException(source + ": expected labels of an integer dtype, found "
                    + dtype.name().toLowerCase(java.util.Locale.ROOT));
        }
        ByteBuffer buf = ByteBuffer.wrap(data).order(order);
        int[] out = new int[count()];
        for (int i = 0; i < out.length; i++) {
            double v = dtype.get(buf, i);
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new SmoothcalException(source + ": expected non-negative labels, found " + (long) v
                        + " at index " + i);
            }
            out[i] = (int) v;
        }
        return out;
    }

    /**
     * Reads one array; the stream must end with its data.
     *
     * @param source names the file (and archive entry) in messages
     */
    static NpyArray read(InputStream in, String source) throws IOException {
        return read(in, source, Long.MAX_VALUE, false, DataLimits.defaults());
    }

    /**
     * Reads one array whose declared size is believed only up to what its container can hold and what the
     * budget allows (the raw bytes plus 4 bytes per element for the float32 or int copy), checked before
     * the data is allocated; reading stops after the declared bytes.
     *
     * @param source names the file (and archive entry) in messages
     * @param storedBytes bytes the array occupies in its file (the file size, or the entry's compressed size)
     * @param compressed whether those bytes are deflated
     * @param limits the memory budget
     */
    static NpyArray read(InputStream in, String source, long storedBytes, boolean compressed, DataLimits limits)
            throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length + 2);
        if (magic.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(magic, MAGIC.length), MAGIC)) {
            throw new SmoothcalException(source + ": expected the .npy magic \\x93NUMPY, found "
                    + describe(Arrays.copyOf(magic, Math.min(magic.length, MAGIC.length))));
        }
        int major = magic[MAGIC.length] & 0xff;
        int minor = magic[MAGIC.length + 1] & 0xff;
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default -> throw new SmoothcalException(source + ": expected .npy format version 1.0, 2.0 or 3.0, found "
                    + major + "." + minor);
        };
        byte[] lengthRaw = requireBytes(in, lengthBytes, source, "header length");
        ByteBuffer lengthBuf = ByteBuffer.wrap(lengthRaw).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = lengthBytes == 2 ? lengthBuf.getShort() & 0xffff : lengthBuf.getInt() & 0xffffffffL;
        if (headerLength > 1 << 20) {
            throw new SmoothcalException(source + ": expected a header of at most 1 MiB, found a length of "
                    + headerLength + " bytes");
        }
        byte[] headerRaw = requireBytes(in, (int) headerLength, source, "header");
        String headerText = new String(headerRaw, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader header = NpyHeader.parse(headerText, source);
        NpyDtype.Parsed dtype = NpyDtype.parse(header.descr(), source);
        if (header.fortranOrder()) {
            throw new SmoothcalException(source + ": expected C order ('fortran_order': False), found "
                    + "'fortran_order': True; save the array with numpy.ascontiguousarray first");
        }
        long count = 1;
        for (int d : header.shape()) {
            count = DataLimits.saturatingMultiply(count, d);
        }
        String what = source + ": shape " + shapeText(header.shape()) + " of " + header.descr();
        long declared = DataLimits.saturatingMultiply(count, dtype.type().size());
        if (compressed) {
            DataLimits.requireHoldable(what, declared, storedBytes, true);
        }
        limits.require(what + " (" + declared + " bytes, and 4 bytes per element once converted)",
                declared == Long.MAX_VALUE ? -1 : declared + 4 * count);
        count = 1;
        for (int d : header.shape()) {
            count *= d;
            if (count * dtype.type().size() > Integer.MAX_VALUE - 8) {
                throw new SmoothcalException(source + ": expected an array of at most 2 GiB, found shape "
                        + shapeText(header.shape()) + " of " + header.descr());
            }
        }
        int byteCount = (int) count * dtype.type().size();
        byte[] data = in.readNBytes(byteCount);
        if (data.length != byteCount) {
            throw new SmoothcalException(source + ": expected " + byteCount + " data bytes for shape "
                    + shapeText(header.shape()) + " of " + header.descr() + ", found " + data.length
                    + " (truncated file?)");
        }
        if (in.read() != -1) {
            throw new SmoothcalException(source + ": expected the data to end after " + byteCount + " bytes (shape "
                    + shapeText(header.shape()) + " of " + header.descr() + "), found more");
        }
        return new NpyArray(source, dtype.type(), dtype.order(), header.shape(), data);
    }

    private static byte[] requireBytes(InputStream in, int n, String source, String what) throws IOException {
        byte[] out = in.readNBytes(n);
        if (out.length != n) {
            throw new SmoothcalException(source + ": expected a " + what + " of " + n + " bytes, found the file ends after "
                    + out.length);
        }
        return out;
    }

    private static String describe(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("\\x%02x", b & 0xff));
        }
        return bytes.length == 0 ? "an empty file" : "bytes " + sb;
    }
}
