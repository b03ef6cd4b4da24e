package dev.smoothcal.trainer.run;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.trainer.model.ModelSpec;
import java.io.IOException;

/**
 * A {@link ModelSpec} inside run.json and checkpoints/config.json, in the model file schema
 * ({@link ModelSpec#toJson()} / {@link ModelSpec#parseJson(String)}), so that the architecture written is
 * exactly what a user's JSON model file would hold.
 */
final class ModelSpecJson {
    private ModelSpecJson() {
    }

    /** Writes the model schema. */
    static final class Writer extends JsonSerializer<ModelSpec> {
        @Override
        public void serialize(ModelSpec spec, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeTree(Json.MAPPER.readTree(spec.toJson()));
        }
    }

    /** Reads the model schema, with the model file's checks (unknown keys, types, ranges). */
    static final class Reader extends JsonDeserializer<ModelSpec> {
        @Override
        public ModelSpec deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = p.readValueAsTree();
            return ModelSpec.parseJson(Json.MAPPER.writeValueAsString(node));
        }
    }
}
