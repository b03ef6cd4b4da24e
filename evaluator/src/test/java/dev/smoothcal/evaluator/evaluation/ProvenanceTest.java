package dev.smoothcal.evaluator.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.smoothcal.core.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** report.json's model.provenance: smoothcal metadata, class names as a real JSON array. */
class ProvenanceTest {
    @Test
    void classNamesAreAnArrayOtherValuesText() throws Exception {
        Map<String, JsonNode> p = Evaluation.provenance(Map.of("smoothcal.class_names", "[\"cat\",\"dog\"]",
                "smoothcal.model_fingerprint", "sha256:ab", "smoothcal.run", "{}", "producer", "x"));
        assertEquals(Json.MAPPER.readTree("[\"cat\",\"dog\"]"), p.get("smoothcal.class_names"));
        assertEquals(TextNode.valueOf("sha256:ab"), p.get("smoothcal.model_fingerprint"));
        assertEquals(2, p.size(), "run.json and foreign keys left out: " + p);
    }

    @Test
    void classNamesThatAreNotAJsonArrayStayText() {
        for (String value : new String[] {"digits", "{\"a\": 1}", "[unclosed"}) {
            assertEquals(TextNode.valueOf(value), Evaluation.provenance(Map.of("smoothcal.class_names", value))
                    .get("smoothcal.class_names"), value);
        }
    }
}
