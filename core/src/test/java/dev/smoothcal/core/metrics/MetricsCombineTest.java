package dev.smoothcal.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.metrics.Predictions.ConfidenceSpacing;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sharded accumulation combined equals one pass over all samples (reference: the single pass). */
class MetricsCombineTest {
    /** Only the order of double additions differs; 1e-12 is far above that rounding for 2000 samples. */
    private static final double TOLERANCE = 1e-12;

    private final Predictions data = Predictions.random(21, 2000, 7, 2.0, ConfidenceSpacing.ANY);
    private final MetricsConfig config = MetricsConfig.of(7).withBootstrap(50, 5);

    private MetricsAccumulator shard(int from, int to) {
        return data.slice(from, to).feed(new MetricsAccumulator(config, from), 64);
    }

    @Test
    void combinedShardsEqualOnePass() {
        MetricsResult single = data.feed(new MetricsAccumulator(config), 64).result();

        MetricsResult forward = shard(0, 700).combine(shard(700, 1300)).combine(shard(1300, 2000)).result();
        MetricsResult backward = shard(1300, 2000).combine(shard(700, 1300)).combine(shard(0, 700)).result();

        assertNumericallyEqual(Json.MAPPER.valueToTree(single), Json.MAPPER.valueToTree(forward), "$");
        assertNumericallyEqual(Json.MAPPER.valueToTree(single), Json.MAPPER.valueToTree(backward), "$");
        assertEquals(single.classification().confusionMatrix(), forward.classification().confusionMatrix());
        assertEquals(single.reliabilityBins().stream().map(ReliabilityBin::count).toList(),
                forward.reliabilityBins().stream().map(ReliabilityBin::count).toList());
    }

    @Test
    void combineLeavesTheOtherShardUnchangedAndKeepsAccepting() {
        MetricsAccumulator first = shard(0, 1000);
        MetricsAccumulator second = shard(1000, 1500);
        MetricsResult secondBefore = second.result();
        first.combine(second);
        assertEquals(secondBefore, second.result());
        assertEquals(1500, first.nextSampleIndex());

        data.slice(1500, 2000).feed(first, 64);
        MetricsResult single = data.feed(new MetricsAccumulator(config), 64).result();
        assertNumericallyEqual(Json.MAPPER.valueToTree(single), Json.MAPPER.valueToTree(first.result()), "$");
    }

    @Test
    void aSerializedShardCombinesAndAcceptsAsTheOriginal() throws Exception {
        // Spark executors send their shards to the driver through Java serialization.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(shard(700, 1900));
        }
        MetricsAccumulator copy;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (MetricsAccumulator) in.readObject();
        }
        data.slice(1900, 2000).feed(copy, 64);
        MetricsAccumulator original = data.slice(1900, 2000).feed(shard(700, 1900), 64);
        assertEquals(shard(0, 700).combine(original).result(), shard(0, 700).combine(copy).result());
    }

    @Test
    void differentConfigurationsDoNotCombine() {
        MetricsAccumulator a = new MetricsAccumulator(config);
        MetricsAccumulator b = new MetricsAccumulator(config.withBins(10), 0);
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> a.combine(b));
        assertTrue(e.getMessage().contains("different configurations") && e.getMessage().contains("bins=15")
                && e.getMessage().contains("bins=10"), e.getMessage());
        assertThrows(SmoothcalException.class, () -> a.combine(a));
    }

    @Test
    void bootstrapShardsMustBeAdjacent() {
        MetricsAccumulator a = shard(0, 700);
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> a.combine(shard(1300, 2000)));
        assertTrue(e.getMessage().contains("start at 700") && e.getMessage().contains("found samples [1300, 2000)"),
                e.getMessage());
        assertEquals(700, a.count(), "a refused combine changes nothing");

        // without the bootstrap, no weight depends on the index, so any shards combine
        MetricsConfig plain = config.withoutBootstrap();
        MetricsAccumulator p = data.slice(0, 700).feed(new MetricsAccumulator(plain), 64);
        p.combine(data.slice(700, 2000).feed(new MetricsAccumulator(plain), 64));
        assertEquals(2000, p.count());
    }

    /** Same structure; integers and text identical; doubles within TOLERANCE. */
    static void assertNumericallyEqual(JsonNode expected, JsonNode actual, String path) {
        if (expected.isObject()) {
            assertEquals(expected.size(), actual.size(), path);
            Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode other = actual.get(field.getKey());
                if (other == null) {
                    fail("missing " + path + "." + field.getKey());
                }
                assertNumericallyEqual(field.getValue(), other, path + "." + field.getKey());
            }
        } else if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), path);
            for (int i = 0; i < expected.size(); i++) {
                assertNumericallyEqual(expected.get(i), actual.get(i), path + "[" + i + "]");
            }
        } else if (expected.isFloatingPointNumber()) {
            assertEquals(expected.doubleValue(), actual.doubleValue(), TOLERANCE, path);
        } else {
            assertEquals(expected, actual, path);
        }
    }
}
