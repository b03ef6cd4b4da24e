package dev.smoothcal.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.proto.OnnxProto.AttributeProto;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.onnx.proto.OnnxProto.NodeProto;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.model.Layer;
import dev.smoothcal.trainer.model.Layer.Bias;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.model.Padding;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import dev.smoothcal.trainer.train.Tensors;
import dev.smoothcal.trainer.train.TrainedModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.types.TFloat32;

/**
 * The exported ONNX graph in a real ONNX Runtime session against the TF inference graph built from the
 * same random weights (random BN statistics included), on random raw pixels. TF is the reference: the
 * exporter must reproduce it, through the NHWC->NCHW transposes, OIHW kernels and explicit pads.
 */
class OnnxExportParityTest {
    /** float32 in both runtimes with different summation orders; logits here are of order 1-10. */
    private static final double LOGIT_TOLERANCE = 1e-4;

    private static ModelSpec spec(String name, Layer... layers) {
        return new ModelSpec(name, List.of(layers));
    }

    static Stream<Arguments> layerModels() {
        ImageShape odd = new ImageShape(8, 7, 2);
        return Stream.of(
                // SAME, stride 2: H 8 -> 4 pads total 1 (0 before, 1 after), W 7 -> 4 pads total 2 (1, 1)
                Arguments.of(spec("conv_same_s2", Layer.Conv2D.square(5, 3, 2, Padding.SAME, Bias.USE),
                        new Layer.Flatten()), odd),
                Arguments.of(spec("conv_valid_nobias", new Layer.Conv2D(4, 2, 3, 1, 2, Padding.VALID, Bias.NONE),
                        new Layer.Flatten()), odd),
                Arguments.of(spec("conv_same_even_kernel", new Layer.Conv2D(3, 2, 4, 1, 1, Padding.SAME, Bias.USE),
                        new Layer.Relu(), new Layer.Flatten()), odd),
                Arguments.of(spec("maxpool_same", new Layer.MaxPool(3, 3, 2, 2, Padding.SAME), new Layer.Flatten()), odd),
                Arguments.of(spec("maxpool_valid", new Layer.MaxPool(2, 2, 2, 2, Padding.VALID), new Layer.Flatten()), odd),
                Arguments.of(spec("avgpool_same", new Layer.AveragePool(3, 3, 2, 2, Padding.SAME), new Layer.Flatten()), odd),
                Arguments.of(spec("avgpool_valid", new Layer.AveragePool(3, 2, 1, 2, Padding.VALID), new Layer.Flatten()),
                        odd),
                Arguments.of(spec("gap", Layer.Conv2D.square(6, 3, 1, Padding.SAME, Bias.USE),
                        new Layer.GlobalAveragePool()), odd),
                Arguments.of(spec("batchnorm_image", new Layer.BatchNorm(), new Layer.Flatten()), odd),
                Arguments.of(spec("batchnorm_flat", new Layer.Flatten(), new Layer.Dense(12), new Layer.BatchNorm(0.9, 1e-2),
                        new Layer.Relu(), new Layer.Dropout(0.3)), odd),
                Arguments.of(spec("concat", new Layer.Concat(List.of(
                        List.of(Layer.Conv2D.square(3, 1, 1, Padding.SAME, Bias.USE)),
                        List.of(new Layer.MaxPool(3, 3, 1, 1, Padding.SAME)),
                        List.of())), new Layer.Relu(), new Layer.Flatten()), odd),
                // a residual block with a strided projection shortcut, then one with the identity
                Arguments.of(spec("residual", new Layer.Add(List.of(
                        List.of(Layer.Conv2D.square(4, 3, 2, Padding.SAME, Bias.NONE), new Layer.BatchNorm(),
                                new Layer.Relu(), Layer.Conv2D.square(4, 3, 1, Padding.SAME, Bias.NONE),
                                new Layer.BatchNorm()),
                        List.of(Layer.Conv2D.square(4, 1, 2, Padding.SAME, Bias.NONE), new Layer.BatchNorm()))),
                        new Layer.Relu(), new Layer.Add(List.of(
                                List.of(Layer.Conv2D.square(4, 3, 1, Padding.SAME, Bias.USE)), List.of(), List.of())),
                        new Layer.Flatten()), odd),
                // Add of flat values: no transpose inside
                Arguments.of(spec("add_flat", new Layer.Flatten(), new Layer.Add(List.of(
                        List.of(new Layer.Dense(112)), List.of()))), odd),
                // Relu on NHWC then Flatten: no transpose at all
                Arguments.of(spec("relu_flatten", new Layer.Relu(), new Layer.Flatten()), odd));
    }

    static Stream<Arguments> presets() {
        return Stream.of(
                Arguments.of("mlp", new ImageShape(8, 8, 1), new int[] {1, 7, 256}),
                Arguments.of("mlp", new ImageShape(32, 32, 3), new int[] {1, 7, 256}),
                Arguments.of("cnn", new ImageShape(8, 8, 1), new int[] {1, 7, 256}),
                Arguments.of("cnn", new ImageShape(28, 28, 1), new int[] {1, 7, 256}),
                Arguments.of("cnn", new ImageShape(32, 32, 3), new int[] {1, 7, 256}),
                Arguments.of("minigooglenet", new ImageShape(8, 8, 1), new int[] {1, 7, 256}),
                Arguments.of("minigooglenet", new ImageShape(32, 32, 3), new int[] {1, 7, 32}),
                Arguments.of("resnet20", new ImageShape(32, 32, 3), new int[] {1, 7, 32}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layerModels")
    void everyLayerMatchesTensorFlow(ModelSpec spec, ImageShape shape) throws OrtException {
        assertParity(spec.resolve(shape, 5), new int[] {1, 7, 256});
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("presets")
    void everyPresetMatchesTensorFlow(String preset, ImageShape shape, int[] batches) throws OrtException {
        assertParity(ModelSpec.preset(preset).resolve(shape, 10), batches);
    }

    /**
     * The mean image baked in as a constant {@code [H, W, C]} subtraction gives the same logits in TF and ORT
     * (a mean image that varies per pixel, so a wrong broadcast or layout cannot pass).
     */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("meanImageModels")
    void meanImageNormalisationMatchesTensorFlow(String preset, ImageShape shape) throws OrtException {
        ResolvedModel model = ModelSpec.preset(preset).resolve(shape, 10);
        assertParity(model, Forwards.meanImage(model), new int[] {1, 7, 32});
    }

    static Stream<Arguments> meanImageModels() {
        return Stream.of(Arguments.of("mlp", new ImageShape(8, 8, 1)), Arguments.of("cnn", new ImageShape(32, 32, 3)),
                Arguments.of("minigooglenet", new ImageShape(32, 32, 3)));
    }

    /** The SavedModel itself (what interop runs) subtracts the same mean image as model.onnx. */
    @Test
    void savedModelSubtractsTheMeanImageAsOnnxDoes(@TempDir Path tmp) throws OrtException {
        ResolvedModel model = ModelSpec.preset("cnn").resolve(new ImageShape(12, 10, 3), 4);
        Normalization norm = Forwards.meanImage(model);
        Weights weights = Forwards.random(model, 23);
        Path dir = tmp.resolve("saved_model");
        SavedModelExport.export(new TrainedModel(model, norm, weights, List.of(), 0), dir);
        int n = 7;
        float[] images = Forwards.images(model, n, 6);
        float[] saved;
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
                TFloat32 x = Tensors.floats(images, n, 12, 10, 3);
                Result r = bundle.function(SavedModelExport.SIGNATURE_KEY).call(Map.of(RunDirectory.INPUT_NAME, x))) {
            saved = Tensors.toArray(r.get(RunDirectory.LOGITS).orElseThrow());
        }
        ModelProto onnx = OnnxExport.build(model, norm, weights, ModelMetadata.NONE);
        float[] ort;
        try (OrtSession session = Forwards.session(onnx)) {
            ort = Forwards.ort(session, model, images, n).get(RunDirectory.LOGITS);
        }
        double worst = 0;
        for (int i = 0; i < saved.length; i++) {
            worst = Math.max(worst, Math.abs(saved[i] - ort[i]));
        }
        assertTrue(worst <= LOGIT_TOLERANCE, "max |SavedModel - ORT| " + worst);
        // one Sub of an [H, W, C] initialiser, no Div
        assertEquals("Sub", onnx.getGraph().getNode(0).getOpType());
        assertTrue(onnx.getGraph().getNodeList().stream().noneMatch(nd -> nd.getOpType().equals("Div")));
        var mean = onnx.getGraph().getInitializerList().stream().filter(t -> t.getName().equals("norm_mean"))
                .findFirst().orElseThrow();
        assertEquals(List.of(12L, 10L, 3L), mean.getDimsList());
        float[] expected = norm.mean();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], mean.getFloatData(i), 0f, "mean image value " + i);
        }
    }

    private static void assertParity(ResolvedModel model, int[] batches) throws OrtException {
        assertParity(model, Forwards.normalization(model.input().channels()), batches);
    }

    private static void assertParity(ResolvedModel model, Normalization norm, int[] batches) throws OrtException {
        Weights weights = Forwards.random(model, 11);
        ModelProto onnx = OnnxExport.build(model, norm, weights, ModelMetadata.NONE);
        int k = model.numClasses();
        double worst = 0;
        double largest = 0;
        try (OrtSession session = Forwards.session(onnx)) {
            for (int n : batches) {
                float[] images = Forwards.images(model, n, 100 + n);
                float[] expected = Forwards.tf(model, norm, weights, images, n);
                Map<String, float[]> out = Forwards.ort(session, model, images, n);
                float[] logits = out.get(RunDirectory.LOGITS);
                float[] probabilities = out.get(RunDirectory.PROBABILITIES);
                assertEquals(n * k, logits.length, "logits of batch " + n);
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(expected[i] - logits[i]));
                    largest = Math.max(largest, Math.abs(expected[i]));
                }
                for (int i = 0; i < n; i++) {
                    double sum = 0;
                    for (int j = 0; j < k; j++) {
                        sum += probabilities[i * k + j];
                    }
                    assertEquals(1.0, sum, 1e-5, "probabilities of sample " + i + " sum to 1");
                }
            }
        }
        System.out.printf("parity %-24s %-9s max|logit| %8.3f max|TF-ORT| %.2e%n", model.name(), model.input(),
                largest, worst);
        // Logits far from 0, so a skipped layer or a wrong statistic cannot hide under the tolerance.
        assertTrue(largest > 0.5, "max |logit| " + largest + " too small to test anything");
        assertTrue(worst <= LOGIT_TOLERANCE, model.name() + ": max |logit TF - ORT| " + worst);
    }

    @Test
    void savedModelOfMiniGoogLeNetCarriesTheMovingStatistics(@TempDir Path tmp) throws OrtException {
        ResolvedModel model = ModelSpec.preset("minigooglenet").resolve(new ImageShape(8, 8, 1), 10);
        Normalization norm = Forwards.normalization(1);
        Weights weights = Forwards.random(model, 21);
        Path dir = tmp.resolve("saved_model");
        SavedModelExport.export(new TrainedModel(model, norm, weights, List.of(), 0), dir);
        int n = 7;
        float[] images = Forwards.images(model, n, 5);
        float[] saved;
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve");
                TFloat32 x = Tensors.floats(images, n, 8, 8, 1);
                Result r = bundle.function(SavedModelExport.SIGNATURE_KEY).call(Map.of(RunDirectory.INPUT_NAME, x))) {
            saved = Tensors.toArray(r.get(RunDirectory.LOGITS).orElseThrow());
        }
        float[] onnx;
        try (OrtSession session = Forwards.session(OnnxExport.build(model, norm, weights, ModelMetadata.NONE))) {
            onnx = Forwards.ort(session, model, images, n).get(RunDirectory.LOGITS);
        }
        double worst = 0;
        for (int i = 0; i < saved.length; i++) {
            worst = Math.max(worst, Math.abs(saved[i] - onnx[i]));
        }
        assertTrue(worst <= LOGIT_TOLERANCE, "max |SavedModel - ORT| " + worst);
    }

    @Test
    void samePaddingIsWrittenExplicitlyWithTheOddPixelAtTheEnd() {
        ResolvedModel model = spec("pads", Layer.Conv2D.square(2, 3, 2, Padding.SAME, Bias.USE),
                new Layer.AveragePool(3, 3, 2, 2, Padding.SAME), new Layer.BatchNorm(), new Layer.Flatten())
                .resolve(new ImageShape(8, 7, 1), 3);
        ModelProto onnx = OnnxExport.build(model, Forwards.normalization(1), Weights.initial(model, 1),
                ModelMetadata.NONE);
        NodeProto conv = node(onnx, "Conv");
        // H: in 8, out ceil(8/2)=4, total (4-1)*2+3-8 = 1 -> [0, 1]; W: in 7, out 4, total 2 -> [1, 1]
        assertEquals(List.of(0L, 1L, 1L, 1L), ints(conv, "pads"));
        assertTrue(conv.getAttributeList().stream().noneMatch(a -> a.getName().equals("auto_pad")));
        NodeProto pool = node(onnx, "AveragePool");
        // on 4x4: out 2, total (2-1)*2+3-4 = 1 -> [0, 1] on both axes
        assertEquals(List.of(0L, 0L, 1L, 1L), ints(pool, "pads"));
        assertEquals(0L, attribute(pool, "count_include_pad").getI());
        assertEquals(1e-3f, attribute(node(onnx, "BatchNormalization"), "epsilon").getF());
        long transposes = onnx.getGraph().getNodeList().stream().filter(nd -> nd.getOpType().equals("Transpose")).count();
        assertEquals(2, transposes, "one transpose to NCHW, one back before Flatten");
    }

    @Test
    void mlpExportHasNoTranspose() {
        ResolvedModel model = ModelSpec.preset("mlp").resolve(new ImageShape(8, 8, 1), 10);
        ModelProto onnx = OnnxExport.build(model, Forwards.normalization(1), Weights.initial(model, 1),
                ModelMetadata.NONE);
        assertEquals(List.of("Sub", "Div", "Flatten", "Gemm", "Relu", "Gemm", "Relu", "Gemm", "Softmax"),
                onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
    }

    @Test
    void hwioToOihwMovesEveryValue() {
        // kernel value encodes its HWIO index: v = h*1000 + w*100 + i*10 + o
        long[] hwio = {2, 3, 4, 5};
        float[] src = new float[2 * 3 * 4 * 5];
        for (int h = 0; h < 2; h++) {
            for (int w = 0; w < 3; w++) {
                for (int i = 0; i < 4; i++) {
                    for (int o = 0; o < 5; o++) {
                        src[((h * 3 + w) * 4 + i) * 5 + o] = h * 1000 + w * 100 + i * 10 + o;
                    }
                }
            }
        }
        float[] dst = OnnxExport.hwioToOihw(src, hwio);
        for (int o = 0; o < 5; o++) {
            for (int i = 0; i < 4; i++) {
                for (int h = 0; h < 2; h++) {
                    for (int w = 0; w < 3; w++) {
                        assertEquals(h * 1000 + w * 100 + i * 10 + o, dst[((o * 4 + i) * 2 + h) * 3 + w]);
                    }
                }
            }
        }
    }

    private static NodeProto node(ModelProto m, String op) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).findFirst().orElseThrow();
    }

    private static AttributeProto attribute(NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().orElseThrow();
    }

    private static List<Long> ints(NodeProto n, String name) {
        return attribute(n, name).getIntsList();
    }
}
