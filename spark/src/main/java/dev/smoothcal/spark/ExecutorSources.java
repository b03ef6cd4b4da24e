package dev.smoothcal.spark;

import dev.smoothcal.core.data.BatchSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The JVM-wide holder of opened splits on an executor (and on the driver): a split is opened once per JVM
 * and shared by every task that reads a shard of it, for as long as one {@link SparkFiles} is evaluated
 * (each {@link SparkFiles#of} has a key of its own). A streaming source (IDX) holds its labels only; a
 * format that core loads into memory holds its pixels, so at most {@value #MAX_OPEN} splits stay open, the
 * least recently used closed first.
 */
final class ExecutorSources {
    static final int MAX_OPEN = 4;
    private static final Map<FileSpec, BatchSource> OPEN = new LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<FileSpec, BatchSource> eldest) {
            return size() > MAX_OPEN;
        }
    };

    private ExecutorSources() {
    }

    /**
     * The split of {@code spec} in this JVM, opened on first use.
     *
     * @param spec where and how to open it
     * @return the shared source (its reads are safe from several threads)
     */
    static BatchSource source(FileSpec spec) {
        return source(spec, spec::open);
    }

    /**
     * As {@link #source(FileSpec)}, opened by {@code opener} on first use (the driver opens with its listener).
     *
     * @param spec where and how to open it
     * @param opener opens the split as {@code spec} says
     * @return the shared source
     */
    static BatchSource source(FileSpec spec, Supplier<BatchSource> opener) {
        synchronized (OPEN) {
            BatchSource known = OPEN.get(spec);
            if (known != null) {
                return known;
            }
        }
        BatchSource opened = opener.get(); // outside the lock: a load may take seconds
        synchronized (OPEN) {
            return OPEN.computeIfAbsent(spec, s -> opened);
        }
    }
}
