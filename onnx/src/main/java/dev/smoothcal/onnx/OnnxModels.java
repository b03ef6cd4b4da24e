package dev.smoothcal.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.onnx.proto.OnnxProto.StringStringEntryProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Reading and writing ONNX model files, and reading their metadata. */
public final class OnnxModels {

    private static final int BYTES_SHOWN_IN_ERRORS = 16;

    private OnnxModels() {
    }

    /**
     * The serialized model. Deterministic: equal models give identical bytes (the schema has no
     * protobuf maps, and fields are written in field-number order).
     *
     * @param model the model
     * @return its protobuf encoding
     */
    public static byte[] toBytes(ModelProto model) {
        return model.toByteArray();
    }

    /**
     * Writes {@code model} to {@code file} atomically: readers see the old file or the whole new one.
     *
     * @param model the model
     * @param file the file to write; parent folders are created
     */
    public static void write(ModelProto model, Path file) {
        AtomicFiles.writeBytes(file, toBytes(model));
    }

    /**
     * Reads an ONNX model file.
     *
     * @param file the {@code .onnx} file
     * @return the parsed model
     * @throws SmoothcalException if the file cannot be read, or is not a serialized ModelProto with an
     *     IR version and a graph
     */
    public static ModelProto read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SmoothcalException("could not read ONNX model " + file + ": " + AtomicFiles.describe(e), e);
        }
        return parse(bytes, file.toString());
    }

    /**
     * Parses a serialized model; {@code source} names where the bytes came from, for messages.
     *
     * <p>Protobuf parses many non-ONNX byte strings (an empty file is a valid empty message), so a
     * model also has to carry an IR version and a graph to be accepted.
     *
     * @param bytes the serialized model
     * @param source where the bytes came from, e.g. the file path
     * @return the parsed model
     */
    public static ModelProto parse(byte[] bytes, String source) {
        String expected = "expected an ONNX model (protobuf ModelProto) in " + source + ", found ";
        if (bytes.length == 0) {
            throw new SmoothcalException(expected + "an empty file");
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new SmoothcalException(expected + describe(bytes) + " that are not valid protobuf ("
                    + e.getMessage() + ")", e);
        }
        if (model.getIrVersion() <= 0 || !model.hasGraph()) {
            throw new SmoothcalException(expected + describe(bytes) + " that parse as protobuf but carry "
                    + (model.getIrVersion() <= 0 ? "no IR version" : "no graph"));
        }
        return model;
    }

    /**
     * The model's {@code metadata_props} as a map sorted by key.
     *
     * @param model the model
     * @return its metadata keys to values, sorted by key
     * @throws SmoothcalException if a key occurs twice (ONNX requires distinct keys)
     */
    public static SortedMap<String, String> metadata(ModelProto model) {
        TreeMap<String, String> map = new TreeMap<>();
        for (StringStringEntryProto entry : model.getMetadataPropsList()) {
            String previous = map.put(entry.getKey(), entry.getValue());
            if (previous != null) {
                throw new SmoothcalException("model metadata key '" + entry.getKey()
                        + "' occurs twice: expected distinct keys, found values '" + previous + "' and '"
                        + entry.getValue() + "'");
            }
        }
        return Collections.unmodifiableSortedMap(map);
    }

    private static String describe(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        int shown = Math.min(bytes.length, BYTES_SHOWN_IN_ERRORS);
        for (int i = 0; i < shown; i++) {
            hex.append(String.format("%02x", bytes[i] & 0xff));
        }
        return bytes.length + " bytes (starting " + hex + (bytes.length > shown ? "..." : "") + ")";
    }
}
