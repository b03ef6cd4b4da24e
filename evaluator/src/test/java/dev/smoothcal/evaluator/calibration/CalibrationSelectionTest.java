package dev.smoothcal.evaluator.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Selection on held-out data picks the family the labels were drawn from, refitted on everything. */
class CalibrationSelectionTest {

    @Test
    void perClassScalesAreFoundByVectorScaling() {
        int n = 6000;
        int k = 3;
        double[] s = {0.4, 1.0, 2.5};
        SplittableRandom rng = new SplittableRandom(3);
        float[] z = new float[n * k];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double[] u = new double[k];
            for (int j = 0; j < k; j++) {
                z[i * k + j] = (float) (rng.nextGaussian() * 2);
                u[j] = s[j] * z[i * k + j];
            }
            double[] p = Rows.softmax(u, 1, k);
            double r = rng.nextDouble();
            labels[i] = r < p[0] ? 0 : r < p[0] + p[1] ? 1 : 2;
        }
        CalibrationData data = new CalibrationData(z, labels, k);
        List<CalibrationMethod> candidates = List.of(CalibrationMethod.TEMPERATURE, CalibrationMethod.VECTOR,
                CalibrationMethod.HISTOGRAM);
        CalibrationSelection sel = CalibrationSelection.select(data, candidates, CalibrationSettings.DEFAULTS, 0.3, 1);
        assertEquals(CalibrationMethod.VECTOR, sel.method(), sel.toString());
        assertEquals(3, sel.heldOutNll().size());
        assertTrue(sel.heldOutNll().get(1) < sel.heldOutNll().get(0), sel.toString());
        assertEquals(n, sel.chosen().fit().samples(), "refitted on the whole split");
        assertEquals(1800, sel.heldOutSamples(), 3);

        SmoothcalException e = assertThrows(SmoothcalException.class, () -> CalibrationSelection.select(data,
                List.of(CalibrationMethod.PLATT), CalibrationSettings.DEFAULTS, 0.3, 1));
        assertEquals("calibrators", e.parameter().orElse(null));
    }
}
