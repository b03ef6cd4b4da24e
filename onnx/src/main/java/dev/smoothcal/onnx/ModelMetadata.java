package dev.smoothcal.onnx;

import dev.smoothcal.core.SmoothcalException;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a model says about itself besides its graph: a human-readable description and the
 * {@code metadata_props} key/value pairs (provenance such as class names, dataset fingerprint,
 * smoothing). Properties are kept sorted by key so that the written file is deterministic.
 *
 * @param docString free text for {@code ModelProto.doc_string}; empty for none
 * @param properties metadata keys (non-blank) to values (non-null), copied and sorted
 */
public record ModelMetadata(String docString, SortedMap<String, String> properties) {

    /** No description, no properties. */
    public static final ModelMetadata NONE = new ModelMetadata("", Map.of());

    /**
     * Metadata from properties in any map; they are copied and sorted by key.
     *
     * @param docString free text for {@code ModelProto.doc_string}; empty for none
     * @param properties metadata keys (non-blank) to values (non-null)
     */
    public ModelMetadata(String docString, Map<String, String> properties) {
        this(docString, copySorted(properties));
    }

    /**
     * Checks the description and every property, and keeps an unmodifiable sorted copy of the properties.
     *
     * @param docString free text for {@code ModelProto.doc_string}; empty for none
     * @param properties metadata keys (non-blank) to values (non-null), copied and sorted
     * @throws SmoothcalException if the description is null, a key is blank or a value is null
     */
    public ModelMetadata {
        if (docString == null) {
            throw new SmoothcalException("model doc string must be text (empty for none), found none");
        }
        properties = Collections.unmodifiableSortedMap(copySorted(properties));
    }

    /**
     * Properties without a description.
     *
     * @param properties metadata keys (non-blank) to values (non-null)
     * @return metadata with an empty description
     */
    public static ModelMetadata of(Map<String, String> properties) {
        return new ModelMetadata("", properties);
    }

    private static SortedMap<String, String> copySorted(Map<String, String> properties) {
        if (properties == null) {
            throw new SmoothcalException("model metadata properties must be a map (empty for none), found none");
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (key == null || key.isBlank()) {
                throw new SmoothcalException("metadata key must be non-blank, found "
                        + (key == null ? "none" : "'" + key + "'"));
            }
            if (value == null) {
                throw new SmoothcalException("metadata '" + key + "': expected a value (empty allowed), found none");
            }
            sorted.put(key, value);
        });
        return sorted;
    }
}
