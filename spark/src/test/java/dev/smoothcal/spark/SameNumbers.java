package dev.smoothcal.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.util.Iterator;
import java.util.Map;

/**
 * Two reports are the same numbers: every field of report.json but the throughput equal, integers (counts)
 * exactly, other numbers within 1e-12 relative (a bin's gap, accuracy - confidence, within 1e-12 of those
 * numbers in [0, 1]), the bootstrap section exactly.
 */
final class SameNumbers {
    static final double RELATIVE = 1e-12;

    private SameNumbers() {
    }

    static void assertSame(EvaluationReport expected, EvaluationReport actual) {
        ObjectNode e = Json.MAPPER.valueToTree(expected);
        ObjectNode a = Json.MAPPER.valueToTree(actual);
        e.remove("throughput");
        a.remove("throughput");
        assertTrue(e.has("bootstrap"));
        assertEquals(e.get("bootstrap"), a.get("bootstrap"), "bootstrap intervals must be identical");
        compare("", e, a);
    }

    private static void compare(String path, JsonNode e, JsonNode a) {
        if (e.isObject()) {
            assertEquals(fieldNames(e), fieldNames(a), path);
            for (Iterator<Map.Entry<String, JsonNode>> it = e.properties().iterator(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                compare(path + "." + f.getKey(), f.getValue(), a.get(f.getKey()));
            }
        } else if (e.isArray()) {
            assertEquals(e.size(), a.size(), path + " length");
            for (int i = 0; i < e.size(); i++) {
                compare(path + "[" + i + "]", e.get(i), a.get(i));
            }
        } else if (e.isIntegralNumber()) {
            assertEquals(e.asLong(), a.asLong(), path + " (a count: exactly)");
        } else if (e.isNumber()) {
            double x = e.asDouble();
            double y = a.asDouble();
            // a bin's gap is accuracy - confidence, a difference of two numbers in [0, 1]: relative to those
            double scale = path.endsWith(".gap") ? 1.0 : Math.max(Math.abs(x), Math.abs(y));
            if (!(Math.abs(x - y) <= RELATIVE * scale)) {
                fail(path + ": expected " + x + ", found " + y + " (relative " + Math.abs(x - y) / Math.abs(x) + ")");
            }
        } else {
            assertEquals(e, a, path);
        }
    }

    private static String fieldNames(JsonNode n) {
        StringBuilder b = new StringBuilder();
        n.fieldNames().forEachRemaining(s -> b.append(s).append(','));
        return b.toString();
    }
}
