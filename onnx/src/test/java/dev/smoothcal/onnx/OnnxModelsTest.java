package dev.smoothcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.onnx.proto.OnnxProto.StringStringEntryProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelsTest {

    @TempDir
    Path dir;

    @Test
    void writeThenReadKeepsModelAndMetadata() throws IOException {
        Map<String, String> props = Map.of("smoothcal.classes", "0,1,2", "smoothcal.seed", "42");
        ModelProto model = OnnxGraphBuilderTest.classifier(ModelMetadata.of(props));
        Path file = dir.resolve("models/model.onnx");

        OnnxModels.write(model, file);
        ModelProto read = OnnxModels.read(file);

        assertEquals(model, read);
        assertEquals(props, OnnxModels.metadata(read));
        assertArrayEquals(OnnxModels.toBytes(model), Files.readAllBytes(file));
    }

    @Test
    void twoWritesOfTheSameModelAreByteIdenticalAndLeaveNoTemporaryFiles() throws IOException {
        Path first = dir.resolve("a.onnx");
        Path second = dir.resolve("b.onnx");

        OnnxModels.write(OnnxGraphBuilderTest.classifier(ModelMetadata.of(Map.of("k", "v"))), first);
        OnnxModels.write(OnnxGraphBuilderTest.classifier(ModelMetadata.of(Map.of("k", "v"))), second);
        OnnxModels.write(OnnxGraphBuilderTest.classifier(ModelMetadata.of(Map.of("k", "v"))), second);

        assertEquals(-1L, Files.mismatch(first, second));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("a.onnx", "b.onnx"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void readingTextGivesAClearError() throws IOException {
        Path file = dir.resolve("notes.onnx");
        Files.writeString(file, "this is not a model\n", StandardCharsets.UTF_8);

        SmoothcalException e = assertThrows(SmoothcalException.class, () -> OnnxModels.read(file));

        assertTrue(e.getMessage().startsWith("expected an ONNX model (protobuf ModelProto) in " + file
                + ", found 20 bytes (starting 74686973206973206e6f742061206d6f...)"), e.getMessage());
    }

    @Test
    void readingATruncatedModelGivesAClearError() throws IOException {
        byte[] bytes = OnnxModels.toBytes(OnnxGraphBuilderTest.classifier(ModelMetadata.NONE));
        Path file = dir.resolve("truncated.onnx");
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));

        SmoothcalException e = assertThrows(SmoothcalException.class, () -> OnnxModels.read(file));

        assertTrue(e.getMessage().startsWith("expected an ONNX model (protobuf ModelProto) in " + file
                + ", found " + bytes.length / 2 + " bytes"), e.getMessage());
    }

    @Test
    void readingAnEmptyOrMissingFileGivesAClearError() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.onnx"));
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> OnnxModels.read(empty));
        assertEquals("expected an ONNX model (protobuf ModelProto) in " + empty + ", found an empty file",
                e.getMessage());

        Path missing = dir.resolve("missing.onnx");
        e = assertThrows(SmoothcalException.class, () -> OnnxModels.read(missing));
        assertTrue(e.getMessage().startsWith("could not read ONNX model " + missing + ": NoSuchFile"), e.getMessage());
    }

    @Test
    void protobufWithoutGraphIsNotAModel() {
        byte[] bytes = ModelProto.newBuilder().setIrVersion(8).build().toByteArray();

        SmoothcalException e = assertThrows(SmoothcalException.class, () -> OnnxModels.parse(bytes, "memory"));

        assertTrue(e.getMessage().endsWith("that parse as protobuf but carry no graph"), e.getMessage());
    }

    @Test
    void repeatedMetadataKeyIsReported() {
        ModelProto model = ModelProto.newBuilder()
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("k").setValue("1"))
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("k").setValue("2"))
                .build();

        SmoothcalException e = assertThrows(SmoothcalException.class, () -> OnnxModels.metadata(model));

        assertEquals("model metadata key 'k' occurs twice: expected distinct keys, found values '1' and '2'",
                e.getMessage());
    }
}
