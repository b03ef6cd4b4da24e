package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads CIFAR-10 binary batches ({@code cifar-10-binary.tar.gz}, extracted to {@code cifar-10-batches-bin/}).
 *
 * <p>Each file is a sequence of 3,073-byte records: one label byte 0..9, then 3,072 pixel bytes of a 32x32
 * colour image stored planar: 1,024 red values, then 1,024 green, then 1,024 blue, each plane row-major.
 * The loader converts to NHWC: value {@code (y, x, c)} of record {@code n} is record byte
 * {@code 1 + c*1024 + y*32 + x}. Values stay raw, 0..255. The official batches hold 10,000 records each;
 * any positive whole number of records is accepted. CIFAR-100 (two label bytes) is not this format.
 *
 * <p>Layout: {@code data_batch_1.bin} .. {@code data_batch_5.bin} (train, all five required) and
 * {@code test_batch.bin} (test). Class names come from {@code batches.meta.txt} beside them (one per line,
 * blank lines ignored), else are {@link #STANDARD_CLASSES}.
 */
public final class Cifar10BinaryLoader {
    /** The image shape of the format. */
    public static final ImageShape SHAPE = new ImageShape(32, 32, 3);
    /** The CIFAR-10 classes, index = label. */
    public static final List<String> STANDARD_CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer",
            "dog", "frog", "horse", "ship", "truck");
    /** The file of class names shipped with the binary batches. */
    public static final String META_FILE = "batches.meta.txt";
    /** The sub-folder the official archive extracts to. */
    static final String ARCHIVE_FOLDER = "cifar-10-batches-bin";
    static final String TEST_BATCH = "test_batch.bin";
    static final int TRAIN_BATCHES = 5;

    private static final int PLANE = 32 * 32;
    private static final int RECORD = 1 + 3 * PLANE;

    private Cifar10BinaryLoader() {
    }

    /**
     * Loads the given batch files, in order, into one dataset.
     *
     * @param name the dataset name to give, also used in error messages
     * @param batches the binary batch files, read in this order
     * @param classNames names for labels 0..K-1; every label must be below K
     * @return one dataset of every record of every file
     * @throws SmoothcalException if a file is empty or not a whole number of records, or a label is out of range
     */
    public static Dataset load(String name, List<Path> batches, List<String> classNames) {
        if (batches.isEmpty()) {
            throw new SmoothcalException(name + ": expected at least one CIFAR-10 batch file, found none");
        }
        long records = 0;
        for (Path batch : batches) {
            long size = size(batch);
            if (size == 0 || size % RECORD != 0) {
                throw new SmoothcalException(batch + ": expected a whole number of " + RECORD
                        + "-byte CIFAR-10 records (1 label byte + 3072 pixel bytes), found " + size + " bytes");
            }
            records += size / RECORD;
        }
        if (records * SHAPE.size() > Integer.MAX_VALUE - 8) {
            throw new SmoothcalException(name + ": " + records + " images of " + SHAPE + " do not fit in one array");
        }
        float[] pixels = new float[(int) records * SHAPE.size()];
        int[] labels = new int[(int) records];
        int n = 0;
        byte[] record = new byte[RECORD];
        for (Path batch : batches) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(batch), 1 << 16)) {
                int inFile = 0;
                while (in.readNBytes(record, 0, RECORD) == RECORD) {
                    int label = record[0] & 0xff;
                    if (label >= classNames.size()) {
                        throw new SmoothcalException(batch + ": expected labels in [0, " + (classNames.size() - 1)
                                + "], found " + label + " in record " + inFile);
                    }
                    labels[n] = label;
                    int base = n * SHAPE.size();
                    for (int p = 0; p < PLANE; p++) {
                        for (int c = 0; c < 3; c++) {
                            pixels[base + 3 * p + c] = record[1 + c * PLANE + p] & 0xff;
                        }
                    }
                    n++;
                    inFile++;
                }
            } catch (IOException e) {
                throw new SmoothcalException("could not read CIFAR-10 batch " + batch + ": " + e.getMessage(), e);
            }
        }
        return new Dataset(name, pixels, labels, SHAPE, classNames);
    }

    /** The folder holding the batches: {@code dir} itself or its {@code cifar-10-batches-bin/}, if either has one. */
    static Optional<Path> findBatchFolder(Path dir) {
        for (Path candidate : List.of(dir, dir.resolve(ARCHIVE_FOLDER))) {
            if (Files.isRegularFile(candidate.resolve(TEST_BATCH))
                    || Files.isRegularFile(candidate.resolve("data_batch_1.bin"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Loads the split from a batch folder, with class names from its {@code batches.meta.txt} if present. */
    static Dataset loadSplit(String name, Path folder, DatasetSplit split) {
        List<Path> files = new ArrayList<>();
        if (split == DatasetSplit.TRAIN) {
            for (int i = 1; i <= TRAIN_BATCHES; i++) {
                files.add(folder.resolve("data_batch_" + i + ".bin"));
            }
        } else {
            files.add(folder.resolve(TEST_BATCH));
        }
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new SmoothcalException(folder + ": expected " + f.getFileName() + " for split '" + split.id()
                        + "' (train: data_batch_1.bin .. data_batch_5.bin, test: test_batch.bin), found none");
            }
        }
        return load(name, files, classNames(folder));
    }

    /** Names from {@code batches.meta.txt} in {@code folder}, else the standard ten. */
    static List<String> classNames(Path folder) {
        return ClassNames.readIfPresent(folder.resolve(META_FILE)).orElse(STANDARD_CLASSES);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new SmoothcalException("could not read CIFAR-10 batch " + file + ": " + e.getMessage(), e);
        }
    }
}
