package dev.smoothcal.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The project's JSON settings: snake_case keys, stable key order, indented output, and atomic writes.
 *
 * <p>Enum values are written in lower case ({@code VAL_LOSS} as {@code val_loss}, {@code ADAM} as
 * {@code adam}), as the command line spells them, and read back ignoring case. An enum whose command-line
 * spelling differs from its lower-cased name (another separator, such as {@code other-classes}) says so
 * with a {@code @JsonValue} method, which Jackson uses both ways. One rule for every enum, so no record
 * needs per-field code.
 */
public final class Json {

    /** Shared, thread-safe mapper. Do not reconfigure. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    private Json() {
    }

    /**
     * Serialises {@code value} to indented JSON text ending in a newline.
     *
     * @param value a record, map, list or scalar Jackson can write
     * @return the JSON text, snake_case keys
     */
    public static String toString(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw SmoothcalException.defect("cannot serialise " + value.getClass().getSimpleName() + " to JSON", e);
        }
    }

    /**
     * Writes {@code value} as JSON to {@code file} atomically.
     *
     * @param file the file to write
     * @param value what to write, as {@link #toString(Object)} does
     */
    public static void write(Path file, Object value) {
        AtomicFiles.writeString(file, toString(value));
    }

    /**
     * Reads {@code file} as {@code type}, with a message that names the file on failure.
     *
     * @param <T> the type to read
     * @param file the JSON file
     * @param type the class to read it as
     * @return the value read
     */
    public static <T> T read(Path file, Class<T> type) {
        try {
            return MAPPER.readValue(Files.readAllBytes(file), type);
        } catch (NoSuchFileException e) {
            throw new SmoothcalException("expected a JSON file at " + file + ", found nothing there", e);
        } catch (IOException e) {
            String what = com.fasterxml.jackson.databind.JsonNode.class.isAssignableFrom(type) ? ""
                    : " for " + type.getSimpleName();
            throw new SmoothcalException("expected " + file + " to be valid JSON" + what + ", found: "
                    + originalMessage(e), e);
        }
    }

    private static String originalMessage(IOException e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    }
}
