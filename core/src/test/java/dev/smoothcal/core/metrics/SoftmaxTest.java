package dev.smoothcal.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import org.junit.jupiter.api.Test;

class SoftmaxTest {

    @Test
    void matchesCoreReferenceSoftmax() {
        // reference: core's double-precision softmax through log-softmax
        float[] logits = {0f, 0.2f, 0.7f, 0.1f, 0f, 0f, 0.9f, 0.2f, 0.2f, 1f};
        double[] p = Softmax.probabilities(logits, 2, 5);
        for (int i = 0; i < 2; i++) {
            double[] row = new double[5];
            for (int k = 0; k < 5; k++) {
                row[k] = logits[i * 5 + k];
            }
            double[] expected = LabelSmoothing.softmax(row);
            for (int k = 0; k < 5; k++) {
                assertEquals(expected[k], p[i * 5 + k], 1e-15);
            }
        }
    }

    @Test
    void largeLogitsDoNotOverflow() {
        double[] p = Softmax.probabilities(new float[] {1000f, 0f, -1000f, 88f, 88f, 88f}, 2, 3);
        // exp(-1000) underflows to 0; equal logits give exactly 1/3 each
        assertArrayEquals(new double[] {1, 0, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3}, p, 1e-16);
    }

    @Test
    void nonFiniteLogitsAreRejected() {
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> Softmax.probabilities(new float[] {0f, 1f, 2f, Float.NaN}, 2, 2));
        assertTrue(e.getMessage().contains("row 1, class 1: expected a finite logit, found NaN"), e.getMessage());
    }
}
