package dev.smoothcal.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.ImageShape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/**
 * The batches built from {@link TrainingImages} hold exactly the floats the former path fed (a copy of
 * the dataset's floats, image by image in the epoch's order, into a float array, then into a tensor),
 * compared bit for bit.
 */
class TrainingImagesTest {
    private static final ImageShape SHAPE = new ImageShape(3, 2, 2);

    @Test
    void wholePixelValuesAreHeldAsBytesAndGiveTheSameFloatsBitForBit() {
        Dataset digits = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        TrainingImages held = TrainingImages.of(digits);
        assertEquals(TrainingImages.Storage.UINT8, held.storage());
        assertEquals((long) digits.size() * digits.shape().size(), held.bytesHeld());
        int[] order = Trainer.permutation(digits.size(), new SplittableRandom(11));
        assertSameBatches(digits, held, order);
    }

    @Test
    void otherValuesStayFloat32AndGiveTheSameFloatsBitForBit() {
        // a fraction, a value above 255, a negative value and -0.0: none of them is a byte
        for (float odd : new float[] {0.5f, 256f, -1f, -0.0f}) {
            Dataset data = random(40, 5);
            data.images()[17] = odd;
            TrainingImages held = TrainingImages.of(data);
            assertEquals(TrainingImages.Storage.FLOAT32, held.storage(), "with " + odd);
            assertEquals(40L * SHAPE.size() * Float.BYTES, held.bytesHeld());
            assertSameBatches(data, held, Trainer.permutation(40, new SplittableRandom(3)));
        }
        Dataset bytes = random(40, 6);
        assertEquals(TrainingImages.Storage.UINT8, TrainingImages.of(bytes).storage());
        assertSameBatches(bytes, TrainingImages.of(bytes), Trainer.permutation(40, new SplittableRandom(4)));
    }

    @Test
    void oneHotRowsAreTheFormerOnes() {
        Dataset data = random(9, 7);
        int[] order = Trainer.permutation(9, new SplittableRandom(5));
        try (TFloat32 y = TrainingImages.oneHot(data.labels(), order, 2, 5, 3)) {
            float[] expected = new float[5 * 3];
            for (int i = 0; i < 5; i++) {
                expected[i * 3 + data.labels()[order[2 + i]]] = 1f;
            }
            assertArrayEquals(expected, Tensors.toArray(y));
            assertEquals(List.of(5L, 3L), List.of(y.shape().get(0), y.shape().get(1)));
        }
    }

    /** Every batch of 7 (the last one partial) in {@code order} equals the former copy, bits included. */
    private static void assertSameBatches(Dataset data, TrainingImages held, int[] order) {
        int per = data.shape().size();
        for (int from = 0; from < data.size(); from += 7) {
            int size = Math.min(7, data.size() - from);
            float[] former = new float[size * per];
            for (int i = 0; i < size; i++) {
                System.arraycopy(data.images(), order[from + i] * per, former, i * per, per);
            }
            try (TFloat32 t = held.batch(order, from, size)) {
                float[] now = Tensors.toArray(t);
                assertEquals(former.length, now.length);
                for (int i = 0; i < now.length; i++) {
                    assertEquals(Float.floatToRawIntBits(former[i]), Float.floatToRawIntBits(now[i]),
                            "value " + i + " of the batch from " + from);
                }
            }
        }
        // in file order too (validation batches)
        try (TFloat32 t = held.batch(null, 1, 3)) {
            float[] now = Tensors.toArray(t);
            for (int i = 0; i < now.length; i++) {
                assertEquals(Float.floatToRawIntBits(data.images()[per + i]), Float.floatToRawIntBits(now[i]));
            }
        }
    }

    /** {@code n} images of whole values in [0, 255], labels in [0, 3). */
    private static Dataset random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * SHAPE.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(256);
        }
        return new Dataset("random", x, rng.ints(n, 0, 3).toArray(), SHAPE, List.of("a", "b", "c"));
    }
}
