package dev.smoothcal.evaluator.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.inference.OutputKind;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fitted temperature against a brute-force grid search over a plain double-precision NLL written
 * out in this test, on a synthetic over-confident model: true logits z, labels drawn from softmax(z), the
 * model reports 3z, so the NLL-optimal temperature is about 3.
 */
class TemperatureScalingTest {
    private static final int K = 6;
    private static final int N = 4000;
    private static final double GRID_STEP = 1e-2;

    @Test
    void overConfidentModelGetsTheGridMinimumNearThree() {
        SplittableRandom rng = new SplittableRandom(11);
        float[] logits = new float[N * K];
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            double[] z = new double[K];
            for (int k = 0; k < K; k++) {
                z[k] = rng.nextGaussian() * 1.5;
                logits[i * K + k] = (float) (3 * z[k]);
            }
            labels[i] = draw(z, rng.nextDouble());
        }
        TemperatureFit fit = TemperatureScaling.fit(logits, labels, N, K);

        // Reference: grid over [0.05, 20] with step 1e-2 (the NLL is unimodal in T, so the grid's best
        // point is within one step of the true minimum).
        double bestT = Double.NaN;
        double bestNll = Double.POSITIVE_INFINITY;
        for (int g = 0; 0.05 + g * GRID_STEP <= 20.0; g++) {
            double t = 0.05 + g * GRID_STEP;
            double nll = naiveNll(logits, labels, t);
            if (nll < bestNll) {
                bestNll = nll;
                bestT = t;
            }
        }
        assertEquals(bestT, fit.temperature(), GRID_STEP, "fitted T vs grid minimum");
        assertTrue(fit.nllTempered() <= bestNll + 1e-12, fit.nllTempered() + " above grid minimum " + bestNll);
        assertEquals(naiveNll(logits, labels, 1.0), fit.nllUntempered(), 1e-12);
        assertEquals(naiveNll(logits, labels, fit.temperature()), fit.nllTempered(), 1e-12);
        // Sampling noise of 4000 labels moves the optimum by a few percent at most.
        assertEquals(3.0, fit.temperature(), 0.2);
        assertEquals(TemperatureFit.Position.INSIDE, fit.position());
        assertEquals(N, fit.samples());
    }

    @Test
    void logProbabilitiesGiveTheSameTemperatureAsLogits() {
        // ln softmax(z) = z - logsumexp(z): a per-row shift, to which softmax(z / T) is blind.
        SplittableRandom rng = new SplittableRandom(3);
        float[] logits = new float[500 * K];
        float[] probabilities = new float[500 * K];
        int[] labels = new int[500];
        for (int i = 0; i < 500; i++) {
            double[] z = new double[K];
            double sum = 0;
            for (int k = 0; k < K; k++) {
                z[k] = rng.nextGaussian() * 2;
                logits[i * K + k] = (float) z[k];
                sum += Math.exp(z[k]);
            }
            for (int k = 0; k < K; k++) {
                probabilities[i * K + k] = (float) (Math.exp(z[k]) / sum);
            }
            labels[i] = draw(new double[] {z[0] / 2, z[1] / 2, z[2] / 2, z[3] / 2, z[4] / 2, z[5] / 2}, rng.nextDouble());
        }
        double fromLogits = TemperatureScaling.fit(logits, labels, 500, K).temperature();
        double fromProbabilities = TemperatureScaling.fit(TemperatureScaling.logits(probabilities,
                OutputKind.PROBABILITIES), labels, 500, K).temperature();
        // float32 rounding of p and ln p: about 1e-6 relative.
        assertEquals(fromLogits, fromProbabilities, 1e-4 * fromLogits);
        assertTrue(fromLogits > 1.3, "labels drawn from softmax(z/2): T near 2, found " + fromLogits);
    }

    @Test
    void aSplitThatIsAlwaysRightStopsAtTheLowerEnd() {
        // The label's logit beats the others by 5 everywhere: the NLL keeps falling as T shrinks.
        float[] logits = new float[50 * 3];
        int[] labels = new int[50];
        for (int i = 0; i < 50; i++) {
            labels[i] = i % 3;
            logits[i * 3 + labels[i]] = 5f;
        }
        TemperatureFit fit = TemperatureScaling.fit(logits, labels, 50, 3);
        assertEquals(TemperatureFit.Position.AT_LOWER_END, fit.position());
        assertEquals(TemperatureScaling.MIN_TEMPERATURE, fit.temperature(), 1e-6);
    }

    @Test
    void badInputIsRejectedNamingTheProblem() {
        float[] logits = {0f, 1f, Float.NaN, 0f};
        SmoothcalException nan = assertThrows(SmoothcalException.class,
                () -> TemperatureScaling.fit(logits, new int[] {0, 1}, 2, 2));
        assertTrue(nan.getMessage().contains("sample 1, class 0"), nan.getMessage());
        SmoothcalException label = assertThrows(SmoothcalException.class,
                () -> TemperatureScaling.fit(new float[4], new int[] {0, 2}, 2, 2));
        assertTrue(label.getMessage().contains("must be in [0, 2), found 2"), label.getMessage());
        SmoothcalException empty = assertThrows(SmoothcalException.class,
                () -> TemperatureScaling.fit(new float[0], new int[0], 0, 2));
        assertTrue(empty.getMessage().contains("at least 1 sample"), empty.getMessage());
    }

    /** -ln softmax(z/t)_y averaged, computed term by term with the row maximum subtracted. */
    private static double naiveNll(float[] logits, int[] labels, double t) {
        double total = 0;
        int n = labels.length;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < K; k++) {
                max = Math.max(max, logits[i * K + k] / t);
            }
            double denominator = 0;
            for (int k = 0; k < K; k++) {
                denominator += Math.exp(logits[i * K + k] / t - max);
            }
            double p = Math.exp(logits[i * K + labels[i]] / t - max) / denominator;
            total -= Math.log(p);
        }
        return total / n;
    }

    private static int draw(double[] z, double u) {
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v);
        }
        double cum = 0;
        for (int k = 0; k < z.length; k++) {
            cum += Math.exp(z[k]) / sum;
            if (u <= cum) {
                return k;
            }
        }
        return z.length - 1;
    }
}
