package dev.smoothcal.onnx.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OrtSessions;
import dev.smoothcal.onnx.OrtSessions.FloatTensor;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.onnx.proto.OnnxProto.NodeProto;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the loss model in ONNX Runtime and compares it with core's double-precision reference
 * {@link LabelSmoothing}. One session per convention serves every class count and batch size, which
 * also shows that K is taken from the logits at run time.
 *
 * <p>Tolerance: the graph computes in float32 (unit roundoff 6e-8); with logits up to |z| = 50 and
 * up to 100 classes the observed error is a few 1e-7 relative, so {@code 2e-6 * max(1, |loss|)}
 * leaves a margin of about ten; a wrong smoothing term (a/K instead of a/(K-1)) moves the loss by
 * orders of magnitude more.
 */
class SmoothedLossGraphTest {

    private static final double RELATIVE_TOLERANCE = 2e-6;

    private static final Map<SmoothingConvention, OrtSessions> SESSIONS = new EnumMap<>(SmoothingConvention.class);

    enum Labels { HARD, SOFT }

    @BeforeAll
    static void openSessions() throws OrtException {
        for (SmoothingConvention c : SmoothingConvention.values()) {
            SESSIONS.put(c, new OrtSessions(new SmoothedLossGraph(c).toModel()));
        }
    }

    @AfterAll
    static void closeSessions() throws OrtException {
        for (OrtSessions s : SESSIONS.values()) {
            s.close();
        }
    }

    @Test
    void guideWorkedExampleGives1Point4670() throws OrtException {
        // GUIDE section 2 (from the fastai label-smoothing notebook): a = 0.5, Keras convention, mean.
        double[][] logits = {{0, 0.2, 0.7, 0.1, 0}, {0, 0.9, 0.2, 0.2, 1}, {1, 0.2, 0.7, 0.9, 1}};
        double[][] labels = oneHot(new int[] {2, 1, 0}, 5);

        Map<String, FloatTensor> out = run(SmoothingConvention.UNIFORM, logits, labels, 0.5f);

        assertEquals(1.4670, scalar(out.get(SmoothedLossGraph.LOSS)), 5e-5);
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (SmoothingConvention convention : SmoothingConvention.values()) {
            for (int classes : new int[] {2, 5, 10, 100}) {
                for (int batch : new int[] {1, 3, 64}) {
                    for (Labels labels : Labels.values()) {
                        for (double logitScale : new double[] {3.0, 50.0}) {
                            cases.add(Arguments.of(convention, classes, batch, labels, logitScale));
                        }
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} K={1} batch={2} {3} |z|<={4}")
    @MethodSource("cases")
    void matchesDoublePrecisionReference(SmoothingConvention convention, int classes, int batch, Labels kind,
            double logitScale) throws OrtException {
        Random random = new Random(31L * classes + 7L * batch + kind.ordinal() + (long) logitScale
                + 1000L * convention.ordinal());
        double[][] logits = randomLogits(random, batch, classes, logitScale);
        int[] hard = new int[batch];
        double[][] labels;
        if (kind == Labels.HARD) {
            for (int i = 0; i < batch; i++) {
                hard[i] = random.nextInt(classes);
            }
            labels = oneHot(hard, classes);
        } else {
            labels = randomDistributions(random, batch, classes);
        }
        float alpha = (float) (0.9 * random.nextDouble());
        // The reference sees exactly the float32 values the graph sees, so only arithmetic differs.
        LabelSmoothing reference = new LabelSmoothing(alpha, convention);
        double[][] seenLogits = roundToFloat(logits);
        double[][] seenLabels = roundToFloat(labels);

        Map<String, FloatTensor> out = run(convention, logits, labels, alpha);

        double expected = kind == Labels.HARD
                ? reference.loss(seenLogits, hard)
                : reference.loss(seenLogits, seenLabels);
        assertEquals(expected, scalar(out.get(SmoothedLossGraph.LOSS)), tolerance(expected));
        FloatTensor perSample = out.get(SmoothedLossGraph.SAMPLE_LOSSES);
        assertEquals(batch, perSample.values().length);
        for (int i = 0; i < batch; i++) {
            double sample = LabelSmoothing.crossEntropy(seenLogits[i], reference.smooth(seenLabels[i]));
            assertEquals(sample, perSample.values()[i], tolerance(sample), "sample " + i);
        }
    }

    @Test
    void otherClassesEqualsUniformWithRescaledAlpha() throws OrtException {
        // Closed-form identity (SmoothingConvention javadoc): other-classes(a) = uniform(a * K / (K - 1)),
        // checked between the two ORT graphs, independently of the Java reference.
        Random random = new Random(5);
        int classes = 7;
        double[][] logits = randomLogits(random, 16, classes, 10.0);
        double[][] labels = randomDistributions(random, 16, classes);
        float alpha = 0.3f;
        float rescaled = (float) (alpha * classes / (classes - 1.0));

        double other = scalar(run(SmoothingConvention.OTHER_CLASSES, logits, labels, alpha).get(SmoothedLossGraph.LOSS));
        double uniform = scalar(run(SmoothingConvention.UNIFORM, logits, labels, rescaled).get(SmoothedLossGraph.LOSS));

        assertEquals(uniform, other, tolerance(uniform));
    }

    @ParameterizedTest
    @EnumSource(SmoothingConvention.class)
    void zeroAlphaIsPlainCrossEntropy(SmoothingConvention convention) throws OrtException {
        // Reference: -log softmax(z)_y computed directly, without any smoothing code.
        double[][] logits = {{2.0, -1.0, 0.5}, {-3.0, 4.0, 0.0}};
        int[] y = {0, 1};
        double expected = 0.0;
        for (int i = 0; i < y.length; i++) {
            double norm = 0.0;
            for (double z : logits[i]) {
                norm += Math.exp(z);
            }
            expected += (Math.log(norm) - logits[i][y[i]]) / y.length;
        }

        double loss = scalar(run(convention, logits, oneHot(y, 3), 0f).get(SmoothedLossGraph.LOSS));

        assertEquals(expected, loss, tolerance(expected));
    }

    @Test
    void singleClassGivesNanForOtherClassesAndZeroForUniform() throws OrtException {
        // Documented edge case: K - 1 = 0 divides by zero; uniform with K = 1 has target 1 and log p = 0.
        double[][] logits = {{3.0}};
        double[][] labels = {{1.0}};

        assertTrue(Double.isNaN(scalar(run(SmoothingConvention.OTHER_CLASSES, logits, labels, 0.1f)
                .get(SmoothedLossGraph.LOSS))));
        assertEquals(0.0, scalar(run(SmoothingConvention.UNIFORM, logits, labels, 0.1f)
                .get(SmoothedLossGraph.LOSS)), 1e-7);
    }

    @ParameterizedTest
    @EnumSource(SmoothingConvention.class)
    void modelUsesOnlyPlainOpset17OperatorsAndNamesItsConvention(SmoothingConvention convention)
            throws OrtException {
        ModelProto model = new SmoothedLossGraph(convention).toModel();

        Set<String> ops = model.getGraph().getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toSet());
        assertTrue(Set.of("LogSoftmax", "Shape", "Gather", "Cast", "Sub", "Mul", "Div", "Add", "ReduceSum", "Neg",
                "ReduceMean").containsAll(ops), "operators used: " + ops);
        assertEquals(OnnxGraphBuilder.OPSET_VERSION, model.getOpsetImport(0).getVersion());
        assertEquals(convention.id(), SESSIONS.get(convention).session().getMetadata()
                .getCustomMetadataValue(SmoothedLossGraph.CONVENTION_METADATA_KEY).orElseThrow());
    }

    @Test
    void rejectsMissingConvention() {
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> new SmoothedLossGraph(null));
        assertTrue(e.getMessage().contains("found none"), e.getMessage());
    }

    private static Map<String, FloatTensor> run(SmoothingConvention convention, double[][] logits, double[][] labels,
            float alpha) throws OrtException {
        long[] shape = {logits.length, logits[0].length};
        return SESSIONS.get(convention).run(Map.of(
                SmoothedLossGraph.LOGITS, new FloatTensor(flatten(logits), shape),
                SmoothedLossGraph.LABELS, new FloatTensor(flatten(labels), shape),
                SmoothedLossGraph.ALPHA, new FloatTensor(new float[] {alpha})));
    }

    private static double scalar(FloatTensor t) {
        assertEquals(0, t.shape().length, "expected a scalar output");
        return t.values()[0];
    }

    private static double tolerance(double expected) {
        return RELATIVE_TOLERANCE * Math.max(1.0, Math.abs(expected));
    }

    private static double[][] randomLogits(Random random, int batch, int classes, double scale) {
        double[][] z = new double[batch][classes];
        for (double[] row : z) {
            for (int k = 0; k < classes; k++) {
                row[k] = scale * (2.0 * random.nextDouble() - 1.0);
            }
        }
        return z;
    }

    /** Random probability vectors, such as Mixup/CutMix targets. */
    private static double[][] randomDistributions(Random random, int batch, int classes) {
        double[][] y = new double[batch][classes];
        for (double[] row : y) {
            double sum = 0.0;
            for (int k = 0; k < classes; k++) {
                row[k] = -Math.log(1.0 - random.nextDouble());
                sum += row[k];
            }
            for (int k = 0; k < classes; k++) {
                row[k] /= sum;
            }
        }
        return y;
    }

    private static double[][] oneHot(int[] labels, int classes) {
        double[][] y = new double[labels.length][classes];
        for (int i = 0; i < labels.length; i++) {
            y[i][labels[i]] = 1.0;
        }
        return y;
    }

    private static float[] flatten(double[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < rows[i].length; k++) {
                flat[i * rows[i].length + k] = (float) rows[i][k];
            }
        }
        return flat;
    }

    private static double[][] roundToFloat(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            for (int k = 0; k < rows[i].length; k++) {
                out[i][k] = (float) rows[i][k];
            }
        }
        return out;
    }
}
