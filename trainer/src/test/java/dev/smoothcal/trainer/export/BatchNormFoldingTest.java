package dev.smoothcal.trainer.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.onnx.proto.OnnxProto.NodeProto;
import dev.smoothcal.onnx.proto.OnnxProto.TensorProto;
import dev.smoothcal.trainer.export.OnnxExport.BatchNormExport;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BatchNorm folded into the conv before it at export: the folded file has no {@code BatchNormalization}
 * node and gives the logits of the graph written with separate BatchNorm nodes, on real images (the
 * built-in digits test split), with random weights and random BN statistics. The separate graph runs
 * with ONNX Runtime's optimisations off, so the reference is the BatchNorm arithmetic as the file
 * states it, not ORT's own fusion of it.
 */
class BatchNormFoldingTest {
    /**
     * float32 folding against float32 BN: one extra rounding of each kernel value and bias (relative 6e-8)
     * carried through two convs and two dense layers; measured up to 2e-6 on logits of order 10.
     */
    private static final double RELATIVE_TOLERANCE = 1e-5;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cnn", "minigooglenet"})
    void foldedExportHasNoBatchNormAndTheUnfoldedLogits(String preset) throws OrtException {
        Dataset digits = DatasetSource.builtInDigits(DatasetSplit.TEST);
        ResolvedModel model = ModelSpec.preset(preset).resolve(digits.shape(), 10);
        Weights weights = Forwards.random(model, 31);
        Normalization norm = Normalization.fit(digits);
        ModelProto folded = OnnxExport.build(model, norm, weights, ModelMetadata.NONE);
        ModelProto separate = OnnxExport.build(model, norm, weights, ModelMetadata.NONE, BatchNormExport.SEPARATE);
        assertEquals(0, count(folded, "BatchNormalization"), "BatchNorm nodes left in the folded export");
        assertTrue(count(separate, "BatchNormalization") > 0, "the reference keeps its BatchNorm nodes");
        assertEquals(count(separate, "Conv"), count(folded, "Conv"));

        int n = digits.size();
        float[] expected;
        try (OrtSession s = session(separate, OrtSession.SessionOptions.OptLevel.NO_OPT)) {
            expected = Forwards.ort(s, model, digits.images(), n).get(RunDirectory.LOGITS);
        }
        float[] actual;
        try (OrtSession s = session(folded, OrtSession.SessionOptions.OptLevel.ALL_OPT)) {
            actual = Forwards.ort(s, model, digits.images(), n).get(RunDirectory.LOGITS);
        }
        double worst = 0;
        double largest = 0;
        for (int i = 0; i < expected.length; i++) {
            largest = Math.max(largest, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]) / Math.max(1.0, Math.abs(expected[i])));
        }
        System.out.printf("fold %-14s %d digits: max|logit| %.2f, max relative |folded - separate| %.2e%n", preset, n,
                largest, worst);
        assertTrue(largest > 0.5, "max |logit| " + largest + " too small to test anything");
        assertTrue(worst <= RELATIVE_TOLERANCE, preset + ": folded logits differ by " + worst + " relative");
    }

    @Test
    void foldingFollowsTheClosedForm() {
        // two output channels of a 1x1 conv on 2 input channels; s = gamma / sqrt(var + eps)
        float[] kernel = {1f, 2f, -3f, 4f};
        float[][] folded = OnnxExport.foldBatchNorm(kernel, new float[] {0.5f, -1f}, new float[] {2f, 0.5f},
                new float[] {0.25f, 1f}, new float[] {1f, -2f}, new float[] {3f, 0.25f}, 1f);
        double s0 = 2.0 / Math.sqrt(4.0);
        double s1 = 0.5 / Math.sqrt(1.25);
        assertArrayEquals(new float[] {(float) s0, (float) (2 * s0), (float) (-3 * s1), (float) (4 * s1)}, folded[0]);
        assertArrayEquals(new float[] {(float) (0.25 + (0.5 - 1) * s0), (float) (1 + (-1 + 2) * s1)}, folded[1]);
        float[][] noBias = OnnxExport.foldBatchNorm(kernel, null, new float[] {2f, 0.5f}, new float[] {0.25f, 1f},
                new float[] {1f, -2f}, new float[] {3f, 0.25f}, 1f);
        assertArrayEquals(new float[] {(float) (0.25 - s0), (float) (1 + 2 * s1)}, noBias[1]);
    }

    /**
     * Per-channel normalisation is written as {@code [H, W, C]} initialisers (each channel's value at every
     * pixel), which ONNX Runtime broadcasts in long runs; the values are the channel's, so the arithmetic
     * is unchanged.
     */
    @Test
    void channelNormalisationIsTiledOverThePixels() {
        ResolvedModel model = ModelSpec.preset("cnn").resolve(new dev.smoothcal.core.data.ImageShape(5, 4, 3), 10);
        Normalization norm = Forwards.normalization(3);
        ModelProto onnx = OnnxExport.build(model, norm, Weights.initial(model, 1), ModelMetadata.NONE);
        for (String name : List.of("norm_mean", "norm_std")) {
            TensorProto t = onnx.getGraph().getInitializerList().stream().filter(x -> x.getName().equals(name))
                    .findFirst().orElseThrow();
            assertEquals(List.of(5L, 4L, 3L), t.getDimsList(), name);
            float[] perChannel = name.equals("norm_mean") ? norm.mean() : norm.std();
            for (int i = 0; i < 5 * 4 * 3; i++) {
                assertEquals(perChannel[i % 3], t.getFloatData(i), 0f, name + " value " + i);
            }
        }
        assertEquals(List.of("Sub", "Div", "Transpose", "Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool",
                "Transpose", "Flatten", "Gemm", "Relu", "Gemm", "Softmax"),
                onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
    }

    private static long count(ModelProto m, String op) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
    }

    private static OrtSession session(ModelProto model, OrtSession.SessionOptions.OptLevel level) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.setOptimizationLevel(level);
            return OrtEnvironment.getEnvironment().createSession(OnnxModels.toBytes(model), options);
        }
    }
}
