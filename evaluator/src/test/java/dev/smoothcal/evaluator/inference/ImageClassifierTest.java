package dev.smoothcal.evaluator.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.evaluator.testing.LinearClassifier;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classifier API: everything resolved at open, one batch predicted, several outputs from one run. */
class ImageClassifierTest {
    private static final ImageShape SHAPE = new ImageShape(2, 3, 1);

    @TempDir
    Path tmp;

    private final LinearClassifier linear = new LinearClassifier(SHAPE.size(), 4, 9, 0.8);

    @Test
    void aProbabilitiesOutputIsRecognisedAtOpenBeforeAnyBatch() {
        Path model = linear.writeProbabilitiesModel(tmp.resolve("p.onnx"));
        try (ImageClassifier c = ImageClassifier.open(model, SHAPE, InferenceOptions.DEFAULTS, ExecutionProvider.CPU)) {
            assertEquals(OutputKind.PROBABILITIES, c.outputKind());
            assertEquals("scores", c.outputName());
            assertEquals(InputLayout.FLAT, c.layout());
            assertEquals(4, c.numClasses());
        }
    }

    @Test
    void aLogitsOutputIsReadAndTurnedIntoProbabilities() {
        Path model = linear.writeLogitsModel(tmp.resolve("z.onnx"), Map.of());
        float[] images = images(5);
        try (ImageClassifier c = ImageClassifier.open(model, SHAPE, InferenceOptions.DEFAULTS, ExecutionProvider.CPU)) {
            assertEquals(OutputKind.LOGITS, c.outputKind());
            assertEquals("logits", c.outputName());
            ImageClassifier.Batch batch = c.predict(images, 2, 3);
            assertEquals(2, batch.from());
            assertEquals(3, batch.count());
            for (int n = 0; n < 3; n++) {
                double[] z = linear.logits(images, 2 + n);
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (double v : z) {
                    sum += Math.exp(v - max);
                }
                for (int k = 0; k < 4; k++) {
                    // float32 Gemm in ORT against the double-precision forward pass.
                    assertEquals(z[k], batch.raw()[n * 4 + k], 1e-4);
                    assertEquals(Math.exp(z[k] - max) / sum, batch.probabilities()[n * 4 + k], 1e-5);
                }
            }
        }
    }

    @Test
    void oneBatchAndTheStreamingPathAgree() {
        Path model = linear.writeLogitsModel(tmp.resolve("z.onnx"), Map.of());
        float[] images = images(10);
        Dataset data = new Dataset("synthetic", images, new int[10], SHAPE, List.of("a", "b", "c", "d"));
        float[] streamed = new float[40];
        try (ImageClassifier c = ImageClassifier.open(model, SHAPE, InferenceOptions.DEFAULTS.withBatchSize(4),
                ExecutionProvider.CPU)) {
            c.predict(data, (from, count, p, k) -> System.arraycopy(p, 0, streamed, from * k, count * k));
            assertArrayEquals(c.predict(images, 0, 10).probabilities(), streamed, 1e-7f);
        }
    }

    /** Spinning changes how ORT's threads wait, never the numbers: both settings give the same bits. */
    @Test
    void spinningThreadsGiveTheSameOutputs() {
        Path model = linear.writeLogitsModel(tmp.resolve("z.onnx"), Map.of());
        float[] images = images(10);
        float[][] out = new float[2][];
        for (Spinning spinning : Spinning.values()) {
            try (ImageClassifier c = ImageClassifier.open(model, SHAPE, InferenceOptions.DEFAULTS.withSpinning(spinning),
                    ExecutionProvider.CPU)) {
                out[spinning.ordinal()] = c.predict(images, 0, 10).raw();
            }
        }
        assertArrayEquals(out[0], out[1], 0f);
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> InferenceOptions.DEFAULTS.withSpinning(null));
        assertEquals(Optional.of("spinning"), e.parameter());
    }

    @Test
    void severalOutputsComeFromOneRun() {
        Path model = linear.writeLogitsModel(tmp.resolve("z.onnx"), Map.of());
        float[] images = images(3);
        try (ClassifierSession s = ClassifierSession.open(model, ExecutionProvider.CPU)) {
            Map<String, float[]> out = s.run(FloatBuffer.wrap(images), new long[] {3, SHAPE.size()},
                    List.of("probabilities", "logits"));
            assertEquals(List.of("probabilities", "logits"), List.copyOf(out.keySet()), "in the order asked");
            float[] z = out.get("logits");
            float[] p = out.get("probabilities");
            for (int n = 0; n < 3; n++) {
                double sum = 0;
                for (int k = 0; k < 4; k++) {
                    sum += Math.exp(z[n * 4 + k]);
                }
                for (int k = 0; k < 4; k++) {
                    assertEquals(Math.exp(z[n * 4 + k]) / sum, p[n * 4 + k], 1e-6);
                }
            }
            SmoothcalException e = assertThrows(SmoothcalException.class, () -> s.run(FloatBuffer.wrap(images),
                    new long[] {3, SHAPE.size()}, List.of("logit")));
            assertEquals("outputName must be one of [logits, probabilities], found 'logit'", e.getMessage());
            assertEquals(Optional.of("outputName"), e.parameter());
        }
    }

    @Test
    void anUnknownOutputNameIsRefusedAtOpenNamingTheChoices() {
        Path model = linear.writeLogitsModel(tmp.resolve("z.onnx"), Map.of());
        InferenceOptions options = new InferenceOptions(8, Optional.empty(), Optional.of("scores"), Optional.empty(),
                Preprocessing.IDENTITY);
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> ImageClassifier.open(model, SHAPE, options, ExecutionProvider.CPU));
        assertEquals("outputName must be one of [logits, probabilities], found 'scores'", e.getMessage());
        assertSame(SmoothcalException.Kind.BAD_INPUT, e.kind());
    }

    @Test
    void aBatchOutsideTheArrayIsRefused() {
        Path model = linear.writeLogitsModel(tmp.resolve("z.onnx"), Map.of());
        try (ImageClassifier c = ImageClassifier.open(model, SHAPE, InferenceOptions.DEFAULTS, ExecutionProvider.CPU)) {
            SmoothcalException e = assertThrows(SmoothcalException.class, () -> c.predict(images(2), 1, 2));
            assertTrue(e.getMessage().contains("expected images 1..2"), e.getMessage());
        }
    }

    private static float[] images(int n) {
        float[] x = new float[n * SHAPE.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.7) * 2f;
        }
        return x;
    }
}
