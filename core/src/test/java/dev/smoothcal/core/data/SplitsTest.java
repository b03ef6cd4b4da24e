package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitsTest {

    /** Digits train with each image's index written into its first pixel, so samples can be traced. */
    private static Dataset tagged() {
        Dataset d = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        float[] x = d.images().clone();
        for (int i = 0; i < d.size(); i++) {
            x[i * d.shape().size()] = i;
        }
        return new Dataset("tagged", x, d.labels(), d.shape(), d.classNames());
    }

    private static int[] ids(Dataset d) {
        int[] ids = new int[d.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) d.images()[i * d.shape().size()];
        }
        return ids;
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        Dataset data = tagged();
        int[] a = ids(Splits.stratified(data, 0.2, 42).validation());
        int[] b = ids(Splits.stratified(data, 0.2, 42).validation());
        int[] c = ids(Splits.stratified(data, 0.2, 43).validation());
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "a different seed must choose a different validation set");
    }

    @Test
    void partsAreDisjointCoverEverythingKeepOrderAndLabels() {
        Dataset data = tagged();
        Splits.TrainValidation tv = Splits.stratified(data, 0.2, 7);
        int[] train = ids(tv.train());
        int[] val = ids(tv.validation());
        int[] all = new int[train.length + val.length];
        System.arraycopy(train, 0, all, 0, train.length);
        System.arraycopy(val, 0, all, train.length, val.length);
        Arrays.sort(all);
        for (int i = 0; i < all.length; i++) {
            assertEquals(i, all[i], "every sample exactly once");
        }
        assertTrue(isIncreasing(train) && isIncreasing(val), "original order kept");
        for (int i = 0; i < val.length; i++) {
            assertEquals(data.labels()[val[i]], tv.validation().labels()[i]);
        }
    }

    @Test
    void eachClassContributesRoundedFractionToValidation() {
        Dataset data = tagged();
        int[] counts = data.classCounts(); // 376, 389, 380, 389, 387, 376, 377, 387, 380, 382 (README)
        int[] val = Splits.stratified(data, 0.2, 1).validation().classCounts();
        int[] expected = {75, 78, 76, 78, 77, 75, 75, 77, 76, 76}; // round(0.2 * n), half up
        assertArrayEquals(expected, val);
        int[] train = Splits.stratified(data, 0.2, 1).train().classCounts();
        for (int k = 0; k < counts.length; k++) {
            assertEquals(counts[k] - expected[k], train[k]);
        }
    }

    @Test
    void rejectsFractionsOutsideTheOpenInterval() {
        Dataset data = tagged();
        for (double f : new double[] {0.0, 1.0, -0.1, Double.NaN}) {
            SmoothcalException e = assertThrows(SmoothcalException.class, () -> Splits.stratified(data, f, 1));
            assertEquals("validation fraction must be in (0, 1), found " + f, e.getMessage());
        }
        Dataset two = new Dataset("two", new float[2], new int[] {0, 1}, new ImageShape(1, 1, 1), List.of("a", "b"));
        assertThrows(SmoothcalException.class, () -> Splits.stratified(two, 0.2, 1), "round(0.2) = 0 per class");
    }

    @Test
    void channelMeanAndPopulationStdMatchHandComputedValues() {
        // two 1x1 RGB images: channel 0 {1, 3}, channel 1 {2, 2}, channel 2 {0, 10}
        Dataset d = new Dataset("rgb", new float[] {1, 2, 0, 3, 2, 10}, new int[] {0, 0}, new ImageShape(1, 1, 3),
                List.of("a"));
        double[][] ms = Splits.channelMeanStd(d);
        assertArrayEquals(new double[] {2, 2, 5}, ms[0], 1e-12);
        assertArrayEquals(new double[] {1, 1, 5}, ms[1], 1e-12, "constant channel reports std 1");
        Dataset empty = new Dataset("empty", new float[0], new int[0], new ImageShape(1, 1, 3), List.of("a"));
        assertEquals("channel mean/std of empty: expected at least one image, found none",
                assertThrows(SmoothcalException.class, () -> Splits.channelMeanStd(empty)).getMessage());
    }

    private static boolean isIncreasing(int[] a) {
        for (int i = 1; i < a.length; i++) {
            if (a[i] <= a[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
