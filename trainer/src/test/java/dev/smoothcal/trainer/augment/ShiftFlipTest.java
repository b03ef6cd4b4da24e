package dev.smoothcal.trainer.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShiftFlipTest {

    /** Flips only: every sample is its input or its mirror image, so the pixel multiset is kept; about half flip. */
    @Test
    void flipMirrorsAndKeepsPixels() {
        int n = 2000;
        int h = 3;
        int w = 5;
        int c = 2;
        float[] images = MixAugmentationTest.randomImages(n, h, w, c, 1);
        GraphRun r = run(new ShiftFlipConfig(0, 0, FlipMode.HORIZONTAL, FillMode.ZERO), images, n, h, w, c, 5);
        float[] out = r.floats(0);
        int[] flipped = r.ints(3);
        int count = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(0, r.ints(1)[i]);
            assertEquals(0, r.ints(2)[i]);
            count += flipped[i];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sx = flipped[i] == 1 ? w - 1 - x : x;
                    for (int ch = 0; ch < c; ch++) {
                        assertEquals(images[index(i, y, sx, ch, h, w, c)], out[index(i, y, x, ch, h, w, c)], 0.0);
                    }
                }
            }
            float[] before = Arrays.copyOfRange(images, i * h * w * c, (i + 1) * h * w * c);
            float[] after = Arrays.copyOfRange(out, i * h * w * c, (i + 1) * h * w * c);
            Arrays.sort(before);
            Arrays.sort(after);
            assertArrayEquals(before, after, "pixel multiset of sample " + i);
        }
        // Bernoulli(1/2): within 5 standard errors
        assertEquals(0.5, count / (double) n, 5 * Math.sqrt(0.25 / n), "share flipped");
    }

    /** Shift and flip against a direct recomputation out(r, c) = in(r - dy, c' - dx), both fill modes. */
    @Test
    void shiftMovesPixelsByTheDrawnOffset() {
        int n = 300;
        int h = 10;
        int w = 12;
        int c = 1;
        float[] images = MixAugmentationTest.randomImages(n, h, w, c, 2);
        for (float v : images) {
            assertTrue(v != 0f, "test images have no zero pixels, so zero fill is visible");
        }
        for (FillMode fill : FillMode.values()) {
            GraphRun r = run(new ShiftFlipConfig(0.3, 0.25, FlipMode.HORIZONTAL, fill), images, n, h, w, c, 6);
            float[] out = r.floats(0);
            int[] dy = r.ints(1);
            int[] dx = r.ints(2);
            int[] f = r.ints(3);
            boolean[] seenDy = new boolean[7];
            boolean[] seenDx = new boolean[7];
            for (int i = 0; i < n; i++) {
                // round(0.3 * 10) = 3 rows, round(0.25 * 12) = 3 columns
                assertTrue(Math.abs(dy[i]) <= 3 && Math.abs(dx[i]) <= 3, "offsets " + dy[i] + ", " + dx[i]);
                seenDy[dy[i] + 3] = true;
                seenDx[dx[i] + 3] = true;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int sy = y - dy[i];
                        int sx = (f[i] == 1 ? w - 1 - x : x) - dx[i];
                        boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                        float expected = inside || fill == FillMode.NEAREST
                                ? images[index(i, clamp(sy, h), clamp(sx, w), 0, h, w, c)]
                                : 0f;
                        assertEquals(expected, out[index(i, y, x, 0, h, w, c)], 0.0,
                                fill + " sample " + i + " pixel (" + y + ", " + x + ")");
                    }
                }
            }
            for (int k = 0; k < 7; k++) {
                assertTrue(seenDy[k] && seenDx[k], "every offset in [-3, 3] drawn, missing " + (k - 3));
            }
        }
    }

    @Test
    void sameSeedSameBatchOtherStepOtherBatchOffIsIdentity() {
        int n = 32;
        float[] images = MixAugmentationTest.randomImages(n, 6, 6, 1, 3);
        ShiftFlipConfig config = new ShiftFlipConfig(0.2, 0.2, FlipMode.HORIZONTAL, FillMode.ZERO);
        GraphRun a = run(config, images, n, 6, 6, 1, 10);
        GraphRun b = run(config, images, n, 6, 6, 1, 10);
        GraphRun c = run(config, images, n, 6, 6, 1, 11);
        assertArrayEquals(a.floats(0), b.floats(0));
        assertArrayEquals(a.ints(1), b.ints(1));
        assertFalse(Arrays.equals(a.ints(1), c.ints(1)) && Arrays.equals(a.ints(2), c.ints(2)), "next step, other offsets");
        assertArrayEquals(images, run(ShiftFlipConfig.OFF, images, n, 6, 6, 1, 10).floats(0));
    }

    @Test
    void validationNamesFieldRangeAndValue() {
        MixAugmentationTest.assertMessage("height shift must be in [0, 1), found 1.0",
                () -> new ShiftFlipConfig(1, 0, FlipMode.NONE, FillMode.ZERO));
        MixAugmentationTest.assertMessage("width shift must be in [0, 1), found -0.1",
                () -> new ShiftFlipConfig(0, -0.1, FlipMode.NONE, FillMode.ZERO));
        MixAugmentationTest.assertMessage("flip mode must be none or horizontal, found none",
                () -> new ShiftFlipConfig(0, 0, null, FillMode.ZERO));
    }

    private static GraphRun run(ShiftFlipConfig config, float[] images, int n, int h, int w, int c, long step) {
        return GraphRun.of(tf -> {
            Shifted s = new ShiftFlip(config).apply(tf, GraphRun.constant(tf, images, n, h, w, c),
                    tf.constant(new long[] {99, step}));
            return List.of(s.images(), s.rowShift(), s.colShift(), s.flipped());
        });
    }

    private static int clamp(int v, int size) {
        return Math.max(0, Math.min(size - 1, v));
    }

    private static int index(int i, int y, int x, int ch, int h, int w, int c) {
        return ((i * h + y) * w + x) * c + ch;
    }
}
