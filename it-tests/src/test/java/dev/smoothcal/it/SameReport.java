package dev.smoothcal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Two report.json files hold the same numbers: every field but the throughput present in both, integers
 * (counts) exactly, other numbers within 1e-12 relative (a bin's gap, accuracy - confidence, within 1e-12 of
 * those numbers in [0, 1]), the bootstrap section exactly, text exactly.
 */
final class SameReport {

    static final double RELATIVE = 1e-12;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SameReport() {}

    /** Asserts the same numbers; returns the largest relative difference of a non-integer number seen. */
    static double assertSameNumbers(Path expectedReport, Path actualReport) throws IOException {
        ObjectNode e = (ObjectNode) JSON.readTree(expectedReport.toFile());
        ObjectNode a = (ObjectNode) JSON.readTree(actualReport.toFile());
        e.remove("throughput");
        a.remove("throughput");
        assertTrue(e.has("bootstrap"), "the report has a bootstrap section");
        assertEquals(e.get("bootstrap"), a.get("bootstrap"), "bootstrap intervals must be identical");
        double[] largest = {0};
        compare("", e, a, largest);
        return largest[0];
    }

    private static void compare(String path, JsonNode e, JsonNode a, double[] largest) {
        if (a == null) {
            fail(path + ": missing");
        } else if (e.isObject()) {
            assertEquals(fieldNames(e), fieldNames(a), path);
            for (Map.Entry<String, JsonNode> f : e.properties()) {
                compare(path + "." + f.getKey(), f.getValue(), a.get(f.getKey()), largest);
            }
        } else if (e.isArray()) {
            assertEquals(e.size(), a.size(), path + " length");
            for (int i = 0; i < e.size(); i++) {
                compare(path + "[" + i + "]", e.get(i), a.get(i), largest);
            }
        } else if (e.isIntegralNumber()) {
            assertEquals(e.asLong(), a.asLong(), path + " (a count: exactly)");
        } else if (e.isNumber()) {
            double x = e.asDouble();
            double y = a.asDouble();
            // a bin's gap is accuracy - confidence, a difference of two numbers in [0, 1]: relative to those
            double scale = path.endsWith(".gap") ? 1.0 : Math.max(Math.abs(x), Math.abs(y));
            if (!(Math.abs(x - y) <= RELATIVE * scale)) {
                fail(path + ": expected " + x + ", found " + y + " (relative " + Math.abs(x - y) / scale + ")");
            }
            if (scale > 0) {
                largest[0] = Math.max(largest[0], Math.abs(x - y) / scale);
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
