package dev.smoothcal.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad model outputs and labels are rejected with the sample's global index, and nothing is counted. */
class MetricsInputTest {
    private static final MetricsConfig CONFIG = new MetricsConfig(3, 15, List.of(1), 0, 0);

    /** An accumulator that already holds 5 samples, so global and batch indices differ. */
    private static MetricsAccumulator withFiveSamples() {
        MetricsAccumulator accumulator = new MetricsAccumulator(CONFIG);
        float[] p = new float[15];
        for (int i = 0; i < 5; i++) {
            p[i * 3] = 1f;
        }
        accumulator.accept(p, new int[5], 5);
        return accumulator;
    }

    private static float[] validRows(int n) {
        float[] p = new float[n * 3];
        for (int i = 0; i < n; i++) {
            p[i * 3] = 0.5f;
            p[i * 3 + 1] = 0.25f;
            p[i * 3 + 2] = 0.25f;
        }
        return p;
    }

    private static String rejected(float badValue) {
        MetricsAccumulator accumulator = withFiveSamples();
        MetricsResult before = accumulator.result();
        float[] p = validRows(4);
        p[2 * 3 + 1] = badValue; // batch row 2, class 1 -> global sample 7
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> accumulator.accept(p, new int[4], 4));
        assertEquals(before, accumulator.result(), "a rejected batch must leave the accumulator unchanged");
        return e.getMessage();
    }

    @Test
    void aBadLogitOrLabelAnywhereInTheBatchRejectsAllOfIt() {
        // acceptLogits counts row by row after its checks: a bad value in the last row must stop the first
        float[] z = new float[4 * 3];
        for (int i = 0; i < z.length; i++) {
            z[i] = i % 5 - 2f;
        }
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            MetricsAccumulator accumulator = withFiveSamples();
            MetricsResult before = accumulator.result();
            float[] logits = z.clone();
            logits[3 * 3 + 2] = bad;
            SmoothcalException e = assertThrows(SmoothcalException.class,
                    () -> accumulator.acceptLogits(logits, new int[4], 4));
            assertTrue(e.getMessage().contains("row 3, class 2: expected a finite logit"), e.getMessage());
            assertEquals(before, accumulator.result(), "a rejected batch must leave the accumulator unchanged");
        }
        MetricsAccumulator accumulator = withFiveSamples();
        MetricsResult before = accumulator.result();
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> accumulator.acceptLogits(z, new int[] {0, 1, 2, 3}, 4));
        assertTrue(e.getMessage().contains("sample 8") && e.getMessage().contains("label in [0, 3)"), e.getMessage());
        assertEquals(before, accumulator.result());
    }

    @Test
    void nanInfinityAndNegativeProbabilitiesNameSampleAndClass() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.25f, 1.5f}) {
            String message = rejected(bad);
            assertTrue(message.contains("sample 7") && message.contains("class 1")
                    && message.contains("expected a finite probability in [0, 1]")
                    && message.contains("found " + (double) bad), message);
        }
    }

    @Test
    void rowsThatDoNotSumToOneAreRejected() {
        MetricsAccumulator accumulator = withFiveSamples();
        float[] p = validRows(2);
        p[3] = 0.51f; // row 1 sums to 1.01: logits or a wrong axis
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> accumulator.accept(p, new int[2], 2));
        assertTrue(e.getMessage().contains("sample 6") && e.getMessage().contains("summing to 1"), e.getMessage());
        assertEquals(5, accumulator.count());

        float[] withinTolerance = validRows(1);
        withinTolerance[0] = 0.5009f;
        accumulator.accept(withinTolerance, new int[1], 1);
        assertEquals(6, accumulator.count(), "a sum off by 9e-4 is within the 1e-3 tolerance");
    }

    @Test
    void labelsOutsideTheClassRangeAreRejected() {
        MetricsAccumulator accumulator = withFiveSamples();
        for (int label : new int[] {-1, 3}) {
            SmoothcalException e = assertThrows(SmoothcalException.class,
                    () -> accumulator.accept(validRows(2), new int[] {0, label}, 2));
            assertTrue(e.getMessage().contains("sample 6") && e.getMessage().contains("expected a label in [0, 3)")
                    && e.getMessage().contains("found " + label), e.getMessage());
        }
        assertEquals(5, accumulator.count());
    }

    @Test
    void badBatchShapesAreRejected() {
        MetricsAccumulator accumulator = new MetricsAccumulator(CONFIG);
        SmoothcalException shortRows = assertThrows(SmoothcalException.class,
                () -> accumulator.accept(new float[5], new int[2], 2));
        assertTrue(shortRows.getMessage().contains("expected at least n*K = 2*3 = 6 probabilities, found 5"),
                shortRows.getMessage());
        SmoothcalException shortLabels = assertThrows(SmoothcalException.class,
                () -> accumulator.accept(validRows(2), new int[1], 2));
        assertTrue(shortLabels.getMessage().contains("expected at least n = 2 labels, found 1"), shortLabels.getMessage());
        assertThrows(SmoothcalException.class, () -> accumulator.accept(validRows(1), new int[1], -1));
        assertThrows(SmoothcalException.class, () -> accumulator.accept((float[]) null, new int[1], 1));
    }

    @Test
    void longerBuffersAreReadOnlyUpToN() {
        MetricsAccumulator accumulator = new MetricsAccumulator(CONFIG);
        float[] p = validRows(3);
        p[7] = Float.NaN; // row 2, beyond n = 2
        accumulator.accept(p, new int[] {0, 0, 99}, 2);
        assertEquals(2, accumulator.count());
    }

    @Test
    void resultOfNoSamplesIsAnError() {
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> new MetricsAccumulator(CONFIG).result());
        assertTrue(e.getMessage().contains("expected at least one accepted sample, found none"), e.getMessage());
    }
}
