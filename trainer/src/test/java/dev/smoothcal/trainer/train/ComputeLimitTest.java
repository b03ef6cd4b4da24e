package dev.smoothcal.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.trainer.model.ModelSpec;
import org.junit.jupiter.api.Test;

class ComputeLimitTest {

    @Test
    void stepArithmeticOfThePresetsIsSixTimesBatchTimesMultiplyAdds() {
        // reference: the multiply-adds written out from the presets' layers on 28x28x1 with 10 classes
        long mlp = 784L * 256 + 256L * 128 + 128L * 10;
        assertEquals(6.0 * 128 * mlp, ComputeLimit.trainingFlopsPerStep(
                ModelSpec.preset("mlp").resolve(new ImageShape(28, 28, 1), 10), 128), 0.0);
        long cnn = 28L * 28 * (3 * 3 * 1 * 32) // conv 32, same padding
                + 14L * 14 * (3 * 3 * 32 * 64) // after 2x2 pooling, conv 64
                + 7L * 7 * 64 * 128 // dense 128 after pooling and flatten
                + 128L * 10; // head
        double cnnFlops = ComputeLimit.trainingFlopsPerStep(ModelSpec.preset("cnn").resolve(new ImageShape(28, 28, 1), 10),
                128);
        assertEquals(6.0 * 128 * cnn, cnnFlops, 0.0);
        assertEquals(3.26e9, cnnFlops, 0.01e9, "the issue's 3.3 GFLOP a step");
    }

    @Test
    void gemmRateIsPositiveAndCountsAreChecked() {
        ComputeLimit.GemmRate rate = ComputeLimit.measureGemm(128, 1, 3);
        assertEquals(128, rate.size());
        assertEquals(3, rate.roundsGflopsPerSecond().length);
        assertTrue(rate.gflopsPerSecond() > 0 && Double.isFinite(rate.gflopsPerSecond()), rate.toString());
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> ComputeLimit.measureGemm(10, 1, 1));
        assertTrue(e.getMessage().startsWith("gemmSize must be in [64, 16384], found 10"), e.getMessage());
        assertThrows(SmoothcalException.class, () -> ComputeLimit.measureGemm(128, 1, 0));
        assertThrows(SmoothcalException.class, () -> ComputeLimit.trainingFlopsPerStep(
                ModelSpec.preset("mlp").resolve(new ImageShape(8, 8, 1), 10), 0));
    }
}
