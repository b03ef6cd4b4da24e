package dev.smoothcal.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsConfigTest {

    private static void assertRejected(String expectedText, Runnable construction) {
        SmoothcalException e = assertThrows(SmoothcalException.class, construction::run);
        assertTrue(e.getMessage().contains(expectedText), e.getMessage());
    }

    @Test
    void defaults() {
        MetricsConfig c = MetricsConfig.of(10);
        assertEquals(new MetricsConfig(10, 15, List.of(1, 5), 200, 0), c);
    }

    @Test
    void topKIsClippedDeduplicatedAndSorted() {
        assertEquals(List.of(1, 2), MetricsConfig.of(2).topK());
        assertEquals(List.of(1, 3, 4), new MetricsConfig(4, 15, List.of(9, 3, 1, 4, 3), 0, 0).topK());
        assertThrows(UnsupportedOperationException.class, () -> MetricsConfig.of(5).topK().add(2));
    }

    @Test
    void invalidValuesNameFieldBoundAndValue() {
        assertRejected("numClasses must be in [2, 10000], found 1", () -> MetricsConfig.of(1));
        assertRejected("numClasses must be in [2, 10000], found 10001", () -> MetricsConfig.of(10_001));
        assertRejected("bins must be in [1, 1000], found 0", () -> MetricsConfig.of(3).withBins(0));
        assertRejected("every topK entry must be at least 1, found 0", () -> MetricsConfig.of(3).withTopK(List.of(1, 0)));
        assertRejected("found null", () -> MetricsConfig.of(3).withTopK(Arrays.asList(1, null)));
        assertRejected("topK must be a list (possibly empty), found null", () -> MetricsConfig.of(3).withTopK(null));
        assertRejected("bootstrapReplicates must be in [0, 100000] (0 = off), found -1",
                () -> MetricsConfig.of(3).withBootstrap(-1, 0));
        assertRejected("firstSampleIndex must be at least 0, found -3", () -> new MetricsAccumulator(MetricsConfig.of(3), -3));
    }
}
