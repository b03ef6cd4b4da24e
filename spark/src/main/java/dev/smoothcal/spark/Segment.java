package dev.smoothcal.spark;

import dev.smoothcal.core.metrics.MetricsAccumulator;
import java.io.Serializable;

/**
 * The metrics of one run of consecutive global indices {@code [first, first + accumulator.count())} that a
 * partition saw in order: usually one per partition, more when a partition's indices are not consecutive.
 * {@code tempered} holds the same samples' metrics after the fitted temperature, or is null without one.
 */
record Segment(long first, MetricsAccumulator accumulator, MetricsAccumulator tempered) implements Serializable {
    long end() {
        return first + accumulator.count();
    }
}
