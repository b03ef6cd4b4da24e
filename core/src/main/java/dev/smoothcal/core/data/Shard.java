package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;

/**
 * A range of sample indices {@code [from, to)} of a {@link BatchSource}. Shards that tile {@code [0, N)}
 * read exactly the samples of the whole, in the same order, so metric accumulators fed shard by shard
 * and combined in order give the numbers of one pass.
 *
 * @param from the first sample, at least 0
 * @param to one past the last sample, at least {@code from}
 */
public record Shard(int from, int to) {
    /**
     * Validates the range.
     *
     * @param from the first sample
     * @param to one past the last sample
     * @throws SmoothcalException if {@code from < 0} or {@code to < from}
     */
    public Shard {
        if (from < 0 || to < from) {
            throw new SmoothcalException("a shard must satisfy 0 <= from <= to, found [" + from + ", " + to + ")");
        }
    }

    /**
     * The whole of a source of {@code size} samples.
     *
     * @param size N
     * @return {@code [0, size)}
     */
    public static Shard all(int size) {
        return new Shard(0, size);
    }

    /**
     * Shard {@code index} of {@code count} near-equal shards of {@code [0, size)}: shard i is
     * {@code [floor(i*size/count), floor((i+1)*size/count))}.
     *
     * @param size N
     * @param index which shard, in {@code [0, count)}
     * @param count how many shards, at least 1
     * @return the shard
     */
    public static Shard of(int size, int index, int count) {
        if (count < 1 || index < 0 || index >= count) {
            throw new SmoothcalException("shard index must be in [0, " + count + "), found " + index);
        }
        return new Shard((int) ((long) index * size / count), (int) ((long) (index + 1) * size / count));
    }

    /**
     * Samples in the shard.
     *
     * @return {@code to - from}
     */
    public int size() {
        return to - from;
    }
}
