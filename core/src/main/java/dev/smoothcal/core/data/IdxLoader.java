package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads IDX files (MNIST, Fashion-MNIST, KMNIST in IDX form), optionally gzipped. The format: a
 * big-endian magic of two zero bytes, a type byte (only {@code 0x08}, unsigned byte, is accepted) and
 * the number of dimensions; one big-endian int per dimension; then the values, row-major. Images have
 * three dimensions (N, rows, columns), labels one (N).
 */
public final class IdxLoader {
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxLoader() {
    }

    /**
     * Loads an image file and its label file into a dataset of {@code N x rows x cols x 1} raw values 0..255.
     *
     * @param name the dataset name to give, also used in error messages
     * @param images the IDX image file (gzip allowed)
     * @param labels the IDX label file (gzip allowed), one label per image
     * @param classNames names for labels 0..K-1; every label must be below K
     * @return the images with their labels
     */
    public static Dataset load(String name, Path images, Path labels, List<String> classNames) {
        float[] pixels;
        int[] dims;
        try (DataInputStream in = new DataInputStream(CompressedFiles.open(images))) {
            dims = header(in, images, 3);
            long count = (long) dims[0] * dims[1] * dims[2];
            if (count > Integer.MAX_VALUE - 8) {
                throw new SmoothcalException(images + ": " + dims[0] + " images of " + dims[1] + "x" + dims[2]
                        + " do not fit in one array");
            }
            byte[] raw = readFully(in, (int) count, images);
            pixels = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                pixels[i] = raw[i] & 0xff;
            }
        } catch (IOException e) {
            throw new SmoothcalException("could not read IDX images " + images + ": " + e.getMessage(), e);
        }
        int[] y;
        try (DataInputStream in = new DataInputStream(CompressedFiles.open(labels))) {
            int[] ldims = header(in, labels, 1);
            if (ldims[0] != dims[0]) {
                throw new SmoothcalException("expected as many labels as images (" + dims[0] + "), found " + ldims[0]
                        + " in " + labels);
            }
            byte[] raw = readFully(in, ldims[0], labels);
            y = new int[raw.length];
            for (int i = 0; i < raw.length; i++) {
                y[i] = raw[i] & 0xff;
                if (y[i] >= classNames.size()) {
                    throw new SmoothcalException(labels + ": expected labels in [0, " + (classNames.size() - 1)
                            + "], found " + y[i] + " at index " + i);
                }
            }
        } catch (IOException e) {
            throw new SmoothcalException("could not read IDX labels " + labels + ": " + e.getMessage(), e);
        }
        return new Dataset(name, pixels, y, new ImageShape(dims[1], dims[2], 1), classNames);
    }

    private static int[] header(DataInputStream in, Path file, int expectedDims) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new SmoothcalException(file + ": expected an IDX header, found a file shorter than 4 bytes");
        }
        int type = (magic >>> 8) & 0xff;
        int ndim = magic & 0xff;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || ndim != expectedDims) {
            throw new SmoothcalException(String.format(
                    "%s: expected IDX magic 0x000008%02x (unsigned bytes, %d dimension%s), found 0x%08x",
                    file, expectedDims, expectedDims, expectedDims == 1 ? "" : "s", magic));
        }
        int[] dims = new int[ndim];
        for (int i = 0; i < ndim; i++) {
            try {
                dims[i] = in.readInt();
            } catch (EOFException e) {
                throw new SmoothcalException(file + ": expected a header of " + (4 + 4 * ndim)
                        + " bytes (magic and " + ndim + " dimension sizes), found a file that ends inside it"
                        + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
            }
            if (dims[i] <= 0) {
                throw new SmoothcalException(file + ": expected positive IDX dimensions, found " + dims[i]
                        + " for dimension " + i);
            }
        }
        return dims;
    }

    private static byte[] readFully(InputStream in, int n, Path file) throws IOException {
        byte[] out = in.readNBytes(n);
        if (out.length != n) {
            throw new SmoothcalException(file + ": expected " + n + " data bytes after the header, found " + out.length
                    + " (truncated file?)");
        }
        if (in.read() != -1) {
            throw new SmoothcalException(file + ": expected the file to end after " + n
                    + " data bytes, found more (wrong header?)");
        }
        return out;
    }
}
