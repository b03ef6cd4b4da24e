package dev.smoothcal.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsJsonTest {

    @Test
    void resultSerialisesToSnakeCaseWithNullsForEmptyBinsAndReadsBack() throws Exception {
        MetricsAccumulator accumulator = new MetricsAccumulator(new MetricsConfig(3, 15, List.of(1, 2), 20, 8));
        accumulator.accept(new float[] {0.25f, 0.5f, 0.25f, 1f, 0f, 0f}, new int[] {1, 2}, 2);
        MetricsResult result = accumulator.result();

        String json = Json.toString(result);
        JsonNode tree = Json.MAPPER.readTree(json);

        assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
        for (String key : List.of("config", "sample_count", "accuracy", "accuracy_at_k", "negative_log_likelihood",
                "brier_score", "expected_calibration_error", "maximum_calibration_error",
                "equal_mass_calibration_error", "classwise_calibration_error", "reliability_bins", "equal_mass_bins",
                "classification", "bootstrap")) {
            assertTrue(tree.has(key), "missing " + key + " in " + json);
        }
        assertEquals(20, tree.get("config").get("bootstrap_replicates").asInt());
        JsonNode emptyBin = tree.get("reliability_bins").get(0);
        assertEquals(0, emptyBin.get("count").asLong());
        assertTrue(emptyBin.get("mean_confidence").isNull() && emptyBin.get("gap").isNull(), emptyBin.toString());
        assertTrue(tree.get("classification").get("confusion_matrix").get(2).get(0).isIntegralNumber());
        assertTrue(tree.get("classification").get("macro_average").has("f1"));
        assertTrue(tree.get("bootstrap").get("expected_calibration_error").has("upper"));

        assertEquals(result, Json.MAPPER.readValue(json, MetricsResult.class));
    }
}
