package dev.smoothcal.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.metrics.Predictions.ConfidenceSpacing;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/** Memory of an accumulator is fixed at construction: the reachable object graph does not grow with N. */
class RetainedSizeTest {

    static {
        // JOL reads field offsets through Unsafe, which refuses record fields (MetricsConfig); this JOL
        // switch measures them another way. Set before JOL's first use; affects only JOL.
        System.setProperty("jol.magicFieldOffset", "true");
    }

    @Test
    void retainedSizeDoesNotDependOnSampleCount() {
        MetricsConfig config = MetricsConfig.of(10).withBootstrap(20, 1);
        Predictions batch = Predictions.random(41, 1000, 10, 1.0, ConfidenceSpacing.ANY);
        MetricsAccumulator small = new MetricsAccumulator(config);
        MetricsAccumulator large = new MetricsAccumulator(config, 0);
        batch.feed(small, 1000);
        for (int i = 0; i < 100; i++) {
            batch.feed(large, 1000);
        }
        large.result();

        // reference: JOL's walk of the reachable object graph
        long smallBytes = GraphLayout.parseInstance(small).totalSize();
        long largeBytes = GraphLayout.parseInstance(large).totalSize();

        assertEquals(100_000, large.count());
        assertEquals(smallBytes, largeBytes, "retained bytes after 1e3 vs 1e5 samples");
        // 2^16 micro-bins x 24 bytes dominate: about 1.6 MB
        assertTrue(smallBytes > 1_500_000 && smallBytes < 2_000_000, "retained " + smallBytes + " bytes");
    }
}
