package dev.smoothcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.Version;
import dev.smoothcal.onnx.OrtSessions.FloatTensor;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OnnxGraphBuilderTest {

    // A 4-feature, 3-class linear classifier with weights chosen by hand (no symmetry to hide a transpose).
    private static final float[] WEIGHTS = {
        0.5f, -1.0f, 0.25f,
        1.5f, 0.0f, -0.75f,
        -2.0f, 0.3f, 1.0f,
        0.1f, 0.9f, -0.4f};
    private static final float[] BIAS = {0.2f, -0.1f, 0.05f};

    static ModelProto classifier(ModelMetadata metadata) {
        return new OnnxGraphBuilder("linear_classifier")
                .input("images", Dim.BATCH, Dim.of(4))
                .initializer("weights", WEIGHTS, 4, 3)
                .initializer("bias", BIAS, 3)
                .node("Gemm", List.of("images", "weights", "bias"), "logits")
                .node("Softmax", List.of("logits"), "probabilities", Attribute.ofInt("axis", -1))
                .output("logits", Dim.BATCH, Dim.of(3))
                .output("probabilities", Dim.BATCH, Dim.of(3))
                .build(metadata);
    }

    @Test
    void classifierOutputsInOrtEqualJavaRecomputation() throws OrtException {
        float[] x = {
            1.0f, 2.0f, 3.0f, 4.0f,
            -0.5f, 0.0f, 0.5f, 1.0f};

        Map<String, FloatTensor> out;
        try (OrtSessions ort = new OrtSessions(classifier(ModelMetadata.NONE))) {
            out = ort.run(Map.of("images", new FloatTensor(x, 2, 4)));
        }

        // Reference: logits = x W + b and softmax by the closed form, in double precision.
        assertArrayEquals(new long[] {2, 3}, out.get("logits").shape());
        assertArrayEquals(new long[] {2, 3}, out.get("probabilities").shape());
        for (int i = 0; i < 2; i++) {
            double[] logits = new double[3];
            double norm = 0.0;
            for (int k = 0; k < 3; k++) {
                logits[k] = BIAS[k];
                for (int j = 0; j < 4; j++) {
                    logits[k] += (double) x[i * 4 + j] * WEIGHTS[j * 3 + k];
                }
                norm += Math.exp(logits[k]);
            }
            for (int k = 0; k < 3; k++) {
                assertEquals(logits[k], out.get("logits").values()[i * 3 + k], 1e-5, "logit " + i + "," + k);
                assertEquals(Math.exp(logits[k]) / norm, out.get("probabilities").values()[i * 3 + k], 1e-6,
                        "probability " + i + "," + k);
            }
        }
    }

    @Test
    void ortSeesSymbolicAndFixedDimensions() throws OrtException {
        try (OrtSessions ort = new OrtSessions(classifier(ModelMetadata.NONE))) {
            TensorInfo info = (TensorInfo) ort.session().getInputInfo().get("images").getInfo();
            assertArrayEquals(new long[] {-1, 4}, info.getShape());
            assertEquals("batch", info.getDimensionNames()[0]);
        }
    }

    @Test
    void int64InitializersAndScalarInputsWork() throws OrtException {
        // Reshape [2, 3] -> [3, 2] through an int64 shape constant, then scale by a scalar input:
        // row-major reshape keeps the element order, so the reference is values * scale.
        ModelProto model = new OnnxGraphBuilder("reshape")
                .input("x", Dim.of(2), Dim.of(3))
                .input("scale")
                .initializer("target_shape", new long[] {3, 2}, 2)
                .node("Reshape", List.of("x", "target_shape"), "reshaped")
                .node("Mul", List.of("reshaped", "scale"), "y")
                .output("y", Dim.of(3), Dim.of(2))
                .build(ModelMetadata.NONE);
        float[] x = {1, 2, 3, 4, 5, 6};

        FloatTensor y;
        try (OrtSessions ort = new OrtSessions(model)) {
            y = ort.run(Map.of("x", new FloatTensor(x, 2, 3), "scale", new FloatTensor(new float[] {-2f}))).get("y");
        }

        assertArrayEquals(new long[] {3, 2}, y.shape());
        assertArrayEquals(new float[] {-2, -4, -6, -8, -10, -12}, y.values(), 0f);
    }

    @Test
    void modelHeaderTargetsIr8Opset17WithProducer() {
        ModelProto model = classifier(ModelMetadata.NONE);

        assertEquals(8, model.getIrVersion());
        assertEquals(1, model.getOpsetImportCount());
        assertEquals("", model.getOpsetImport(0).getDomain());
        assertEquals(17, model.getOpsetImport(0).getVersion());
        assertEquals("smoothcal", model.getProducerName());
        assertEquals(Version.get(), model.getProducerVersion());
        assertEquals(List.of("Gemm_0", "Softmax_0"),
                model.getGraph().getNodeList().stream().map(n -> n.getName()).toList());
    }

    @Test
    void metadataIsWrittenInKeyOrderAndReadByOrt() throws OrtException {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("zeta", "last");
        props.put("classes", "cat,dog,bird");
        props.put("alpha", "0.1");

        ModelProto model = classifier(new ModelMetadata("a test model", props));

        assertEquals(List.of("alpha", "classes", "zeta"),
                model.getMetadataPropsList().stream().map(e -> e.getKey()).toList());
        assertEquals("a test model", model.getDocString());
        try (OrtSessions ort = new OrtSessions(model)) {
            assertEquals(props, ort.session().getMetadata().getCustomMetadata());
            assertEquals("smoothcal", ort.session().getMetadata().getProducerName());
        }
    }

    @Test
    void sameCallsGiveIdenticalBytes() {
        Map<String, String> props = Map.of("b", "2", "a", "1", "c", "3");

        byte[] first = OnnxModels.toBytes(classifier(ModelMetadata.of(props)));
        byte[] second = OnnxModels.toBytes(classifier(ModelMetadata.of(new LinkedHashMap<>(props))));

        assertArrayEquals(first, second);
    }

    @Test
    void rejectsReuseOfAValueName() {
        assertRejected(b -> b.input("x", Dim.of(2)).initializer("x", new float[] {1, 2}, 2),
                "value name 'x' for initializer is already defined (graph input)");
        assertRejected(b -> b.input("x", Dim.of(2)).node("Neg", List.of("x"), "x"),
                "value name 'x' for output of node Neg_0 is already defined (graph input)");
        assertRejected(b -> b.input("x", Dim.of(2)).node("Split", List.of("x"), List.of("y", "y")),
                "node Split_0 lists output 'y' twice");
    }

    @Test
    void rejectsUnknownNodeInput() {
        assertRejected(b -> b.input("x", Dim.of(2)).node("Add", List.of("x", "bias"), "y"),
                "node Add_0 reads unknown value 'bias': expected one of [x]");
    }

    @Test
    void rejectsInitializerWhoseShapeDoesNotMatchItsValues() {
        assertRejected(b -> b.initializer("w", new float[11], 4, 3),
                "initializer 'w': shape [4, 3] holds 12 values, found 11");
        assertRejected(b -> b.initializer("axes", new long[] {0, 1}),
                "initializer 'axes': shape [] holds 1 values, found 2");
        assertRejected(b -> b.initializer("w", new float[0], -1, 0), "dims must be >= 0");
    }

    @Test
    void rejectsOutputsThatAreMissingUndefinedOrRepeated() {
        assertRejected(b -> b.input("x", Dim.of(2)).build(ModelMetadata.NONE), "expected at least one output, found none");
        assertRejected(b -> b.input("x", Dim.of(2)).output("y", Dim.of(2)).build(ModelMetadata.NONE),
                "graph output 'y' is not produced by any input, initializer or node: expected one of [x]");
        assertRejected(b -> b.input("x", Dim.of(2)).output("x", Dim.of(2)).output("x", Dim.of(2)),
                "graph output 'x' is declared twice");
    }

    @Test
    void rejectsRepeatedAttributesAndBadNames() {
        assertRejected(b -> b.input("x", Dim.of(2)).node("Softmax", List.of("x"), "y",
                Attribute.ofInt("axis", 0), Attribute.ofInt("axis", 1)), "attribute 'axis' is given twice");
        assertRejected(b -> b.input(" ", Dim.of(2)), "input name must be non-blank, found ' '");
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> new OnnxGraphBuilder(null));
        assertEquals("graph name must be non-blank, found none", e.getMessage());
        e = assertThrows(SmoothcalException.class, () -> Dim.of(0));
        assertEquals("fixed dimension size must be at least 1, found 0", e.getMessage());
    }

    @Test
    void failedNodeLeavesTheBuilderUnchanged() {
        OnnxGraphBuilder b = new OnnxGraphBuilder("g").input("x", Dim.of(2));
        assertThrows(SmoothcalException.class, () -> b.node("Split", List.of("x"), List.of("y", "x")));

        // 'y' was not defined by the failed call, and the next Split is still Split_0.
        ModelProto model = b.node("Split", List.of("x"), List.of("y", "z"))
                .output("y", Dim.of(1)).output("z", Dim.of(1)).build(ModelMetadata.NONE);
        assertEquals("Split_0", model.getGraph().getNode(0).getName());
        assertEquals(1, model.getGraph().getNodeCount());
    }

    private static void assertRejected(Consumer<OnnxGraphBuilder> steps, String expectedMessagePart) {
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> steps.accept(new OnnxGraphBuilder("g")));
        assertTrue(e.getMessage().contains(expectedMessagePart),
                () -> "expected message containing \"" + expectedMessagePart + "\", found \"" + e.getMessage() + "\"");
    }
}
