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
        return load(name, images, labels, classNames, DataLimits.defaults());
    }

    /**
     * As {@link #load(String, Path, Path, List)} within a memory budget: the declared image count is
     * believed only up to what the file can hold and what the budget allows, checked before allocating;
     * decompression stops after the declared bytes.
     *
     * @param name the dataset name to give
     * @param images the image file
     * @param labels the label file
     * @param classNames names for labels 0..K-1; every label must be below K
     * @param limits the memory budget
     * @return the dataset
     */
    static Dataset load(String name, Path images, Path labels, List<String> classNames, DataLimits limits) {
        float[] pixels;
        int[] dims;
        try (DataInputStream in = new DataInputStream(CompressedFiles.open(images))) {
            dims = header(in, images, 3);
            long count = (long) dims[0] * dims[1] * dims[2];
            String what = images + ": " + dims[0] + " images of " + dims[1] + "x" + dims[2];
            requireHoldable(images, what, count, 16);
            limits.require(what + " (float32 pixels and int labels)", count * 4 + 4L * dims[0]);
            if (count > Integer.MAX_VALUE - 8) {
                throw new SmoothcalException(what + " do not fit in one array");
            }
            pixels = new float[(int) count];
            byte[] chunk = new byte[1 << 16];
            int at = 0;
            while (at < pixels.length) {
                int want = Math.min(chunk.length, pixels.length - at);
                int got = in.readNBytes(chunk, 0, want);
                for (int i = 0; i < got; i++) {
                    pixels[at + i] = chunk[i] & 0xff;
                }
                at += got;
                if (got < want) {
                    throw new SmoothcalException(images + ": expected " + count + " data bytes after the header, found "
                            + at + " (truncated file?)");
                }
            }
            if (in.read() != -1) {
                throw new SmoothcalException(images + ": expected the file to end after " + count
                        + " data bytes, found more (wrong header?)");
            }
        } catch (IOException e) {
            throw new SmoothcalException("could not read IDX images " + images + ": " + e.getMessage(), e);
        }
        int[] y = readLabels(labels, dims[0], classNames);
        return new Dataset(name, pixels, y, new ImageShape(dims[1], dims[2], 1), classNames);
    }

    /** Reads and checks the label file of {@code count} images. */
    static int[] readLabels(Path labels, int count, List<String> classNames) {
        int[] y;
        try (DataInputStream in = new DataInputStream(CompressedFiles.open(labels))) {
            int[] ldims = header(in, labels, 1);
            if (ldims[0] != count) {
                throw new SmoothcalException("expected as many labels as images (" + count + "), found " + ldims[0]
                        + " in " + labels);
            }
            requireHoldable(labels, labels + ": " + ldims[0] + " labels", ldims[0], 8);
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
        return y;
    }

    /**
     * Opens an IDX pair as a {@link BatchSource}: headers and labels are read and checked now; pixels are
     * read from the (decompressed) stream batch by batch, one byte per value until the batch is built, a
     * background thread reading ahead. Reading a shard skips the bytes before it.
     *
     * @param name the dataset name to give
     * @param images the image file
     * @param labels the label file
     * @param classNames names for labels 0..K-1
     * @param limits the memory budget (labels only: pixels are never all in memory)
     * @return the source
     */
    static BatchSource open(String name, Path images, Path labels, List<String> classNames, DataLimits limits) {
        int[] dims;
        try (DataInputStream in = new DataInputStream(CompressedFiles.open(images))) {
            dims = header(in, images, 3);
            long count = (long) dims[0] * dims[1] * dims[2];
            requireHoldable(images, images + ": " + dims[0] + " images of " + dims[1] + "x" + dims[2], count, 16);
        } catch (IOException e) {
            throw new SmoothcalException("could not read IDX images " + images + ": " + e.getMessage(), e);
        }
        limits.require(labels + ": " + dims[0] + " labels (int32)", 5L * dims[0]);
        int[] y = readLabels(labels, dims[0], classNames);
        return new Stream(name, images, new ImageShape(dims[1], dims[2], 1), y, classNames);
    }

    /** The streaming source of {@link #open}. */
    private static final class Stream implements BatchSource {
        private final String name;
        private final Path images;
        private final ImageShape shape;
        private final int[] labels;
        private final List<String> classNames;

        Stream(String name, Path images, ImageShape shape, int[] labels, List<String> classNames) {
            this.name = name;
            this.images = images;
            this.shape = shape;
            this.labels = labels;
            this.classNames = List.copyOf(classNames);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ImageShape shape() {
            return shape;
        }

        @Override
        public List<String> classNames() {
            return classNames;
        }

        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public int[] labels() {
            return labels;
        }

        @Override
        public void read(Shard shard, int batchSize, java.util.function.Consumer<DataBatch> consumer) {
            BatchSource.requireRange(name, shard, batchSize, size());
            int per = shape.size();
            ReadAhead.run(name, sink -> {
                try (InputStream in = CompressedFiles.open(images)) {
                    in.skipNBytes(16 + (long) shard.from() * per);
                    byte[] raw = new byte[Math.min(batchSize, Math.max(1, shard.size())) * per];
                    for (int from = shard.from(); from < shard.to(); from += batchSize) {
                        int count = Math.min(batchSize, shard.to() - from);
                        int got = in.readNBytes(raw, 0, count * per);
                        if (got != count * per) {
                            throw new SmoothcalException(images + ": expected " + (long) size() * per
                                    + " data bytes after the header, found the file ends inside image "
                                    + (from + got / per) + " (truncated file?)");
                        }
                        float[] pixels = new float[count * per];
                        for (int i = 0; i < pixels.length; i++) {
                            pixels[i] = raw[i] & 0xff;
                        }
                        sink.accept(new DataBatch(from, count, shape, pixels,
                                java.util.Arrays.copyOfRange(labels, from, from + count)));
                    }
                    if (shard.to() == size() && in.read() != -1) {
                        throw new SmoothcalException(images + ": expected the file to end after " + (long) size() * per
                                + " data bytes, found more (wrong header?)");
                    }
                } catch (java.io.EOFException e) {
                    throw new SmoothcalException(images + ": expected " + (long) size() * per
                            + " data bytes after the header, found fewer (truncated file?)", e);
                }
            }, consumer);
        }
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

    /**
     * Refuses a declared data size the file cannot hold: beyond the bytes after the header of a plain
     * file (reported as a truncation), or beyond what deflate can expand a gzipped file to.
     */
    private static void requireHoldable(Path file, String what, long count, int headerBytes) throws IOException {
        long size = CompressedFiles.size(file);
        if (CompressedFiles.isGzip(file)) {
            DataLimits.requireHoldable(what, count, size, true);
        } else if (size - headerBytes < count) {
            throw new SmoothcalException(file + ": expected " + count + " data bytes after the header, found "
                    + (size - headerBytes) + " (truncated file?)");
        }
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
