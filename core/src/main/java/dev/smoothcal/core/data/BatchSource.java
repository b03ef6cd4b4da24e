package dev.smoothcal.core.data;

import java.util.List;
import java.util.function.Consumer;

/**
 * A labelled image split read as batches rather than held as one array: its size, image shape and class
 * names are known up front, its pixels are read in order, whole or by {@link Shard}, one batch at a time.
 * Memory is bounded by the batch size and the read-ahead depth, never by N, except for the labels
 * (4 bytes a sample), which are known up front.
 *
 * <p>Sources that stream from files ({@link DatasetSource#open}) read ahead of the consumer on a
 * background thread; every batch is fresh, so a consumer may keep it. The values are exactly those the
 * in-memory loaders give ({@link DatasetSource#load}): a source and its {@link #toDataset()} have the same
 * {@link #fingerprint()}.
 */
public interface BatchSource {
    /**
     * The human-readable name, e.g. {@code mnist/test}.
     *
     * @return the name
     */
    String name();

    /**
     * The shape of one image.
     *
     * @return H, W, C
     */
    ImageShape shape();

    /**
     * The class names, index = label.
     *
     * @return at least one name
     */
    List<String> classNames();

    /**
     * Number of samples N.
     *
     * @return N
     */
    int size();

    /**
     * Every label in sample order; callers must not modify the array.
     *
     * @return {@code size()} labels in {@code [0, classNames().size())}
     */
    int[] labels();

    /**
     * Reads the samples of {@code shard} in order, in batches of {@code batchSize} (the last may be smaller).
     *
     * @param shard the samples to read, within {@code [0, size())}
     * @param batchSize samples per batch, at least 1
     * @param consumer receives each batch, on the calling thread
     * @throws dev.smoothcal.core.SmoothcalException if the shard is out of range or the file fails to read
     */
    void read(Shard shard, int batchSize, Consumer<DataBatch> consumer);

    /**
     * Reads every sample in order.
     *
     * @param batchSize samples per batch, at least 1
     * @param consumer receives each batch
     */
    default void read(int batchSize, Consumer<DataBatch> consumer) {
        read(Shard.all(size()), batchSize, consumer);
    }

    /**
     * The content fingerprint ({@link Fingerprint}); a pass over the pixels.
     *
     * @return {@code sha256:HEX}, equal to {@link Dataset#fingerprint()} of the same content
     */
    default String fingerprint() {
        Fingerprint f = Fingerprint.start(shape(), classNames(), labels());
        read(1024, b -> f.accept(b.pixels(), 0, b.pixels().length));
        return f.result();
    }

    /**
     * Reads everything into one in-memory dataset (float32, within {@link DataLimits#defaults()}).
     *
     * @return the dataset
     */
    default Dataset toDataset() {
        long values = (long) size() * shape().size();
        DataLimits.defaults().require(name() + ": " + size() + " images of " + shape() + " (float32)", values * 4);
        if (values > Integer.MAX_VALUE - 8) {
            throw new dev.smoothcal.core.SmoothcalException(name() + ": " + size() + " images of " + shape()
                    + " do not fit in one array");
        }
        float[] pixels = new float[(int) values];
        read(1024, b -> System.arraycopy(b.pixels(), 0, pixels, b.from() * shape().size(), b.pixels().length));
        return new Dataset(name(), pixels, labels(), shape(), classNames());
    }

    /**
     * An in-memory dataset as a source (batches are copies of its slices).
     *
     * @param data the dataset
     * @return the source
     */
    static BatchSource of(Dataset data) {
        return new InMemorySource(data);
    }

    /**
     * Checks a read's arguments against a source of {@code size} samples.
     *
     * @param name the source's name, for the message
     * @param shard the samples to read
     * @param batchSize samples a batch, at least 1
     * @param size the source's number of samples
     * @throws dev.smoothcal.core.SmoothcalException for a shard past the end or a batch size below 1
     */
    static void requireRange(String name, Shard shard, int batchSize, int size) {
        if (shard.to() > size) {
            throw new dev.smoothcal.core.SmoothcalException("shard [" + shard.from() + ", " + shard.to() + ") of " + name
                    + ": expected within [0, " + size + ")");
        }
        if (batchSize < 1) {
            throw dev.smoothcal.core.SmoothcalException.invalid("batchSize", "must be at least 1, found " + batchSize);
        }
    }
}
