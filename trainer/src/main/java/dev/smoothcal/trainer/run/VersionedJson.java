package dev.smoothcal.trainer.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.json.Json;
import java.nio.file.Path;

/** Reads a JSON file whose {@code format} key must be one exact version before its content is bound. */
final class VersionedJson {
    private VersionedJson() {
    }

    static <T> T read(Path file, String format, Class<T> type) {
        JsonNode tree = Json.read(file, JsonNode.class);
        JsonNode found = tree == null ? null : tree.get("format");
        if (found == null || !format.equals(found.asText())) {
            throw new SmoothcalException("expected " + file + " in format " + format + ", found "
                    + (found == null ? "no format key" : found.asText())
                    + ": it was written by another smoothcal version; train again to get one this version reads");
        }
        try {
            return Json.MAPPER.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            SmoothcalException ours = ours(e);
            if (ours != null) {
                throw new SmoothcalException(file + ": " + ours.getMessage(), e);
            }
            throw new SmoothcalException("expected " + file + " to be valid JSON for " + type.getSimpleName()
                    + ", found: " + e.getOriginalMessage(), e);
        }
    }

    private static SmoothcalException ours(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SmoothcalException s) {
                return s;
            }
        }
        return null;
    }
}
