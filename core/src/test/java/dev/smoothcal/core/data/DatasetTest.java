package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {
    private static final ImageShape TWO_BY_ONE = new ImageShape(2, 1, 1);

    private static Dataset small() {
        return new Dataset("small", new float[] {1, 2, 3, 4, 5, 6}, new int[] {0, 1, 1}, TWO_BY_ONE, List.of("a", "b"));
    }

    @Test
    void countsAndSelectionCopyTheRightSamples() {
        Dataset d = small();
        assertEquals(3, d.size());
        assertEquals(2, d.numClasses());
        assertArrayEquals(new int[] {1, 2}, d.classCounts());
        Dataset picked = d.select("picked", new int[] {2, 0, 2});
        assertArrayEquals(new float[] {5, 6, 1, 2, 5, 6}, picked.images());
        assertArrayEquals(new int[] {1, 0, 1}, picked.labels());
        Dataset slice = d.slice(1, 3);
        assertArrayEquals(new float[] {3, 4, 5, 6}, slice.images());
    }

    @Test
    void rejectsInconsistentContentNamingFieldBoundAndValue() {
        assertError("dataset x: expected 3 images of 2x1x1 (6 values), found 5 values",
                () -> new Dataset("x", new float[5], new int[3], TWO_BY_ONE, List.of("a")));
        assertError("dataset x: label of sample 1 must be in [0, 2), found 2",
                () -> new Dataset("x", new float[6], new int[] {0, 2, 1}, TWO_BY_ONE, List.of("a", "b")));
        assertError("dataset x: label of sample 0 must be in [0, 2), found -1",
                () -> new Dataset("x", new float[2], new int[] {-1}, TWO_BY_ONE, List.of("a", "b")));
        assertError("dataset x must have at least one class, found none",
                () -> new Dataset("x", new float[0], new int[0], TWO_BY_ONE, List.of()));
        assertError("image shape must be positive in every dimension, found 0x28x1", () -> new ImageShape(0, 28, 1));
        assertError("select from small: index 1 must be in [0, 3), found 3", () -> small().select("s", new int[] {0, 3}));
        assertError("slice of small: expected 0 <= from <= to <= 3, found [2, 1)", () -> small().slice(2, 1));
    }

    @Test
    void fingerprintIsStableAndSensitiveToEveryPart() {
        String base = small().fingerprint();
        assertTrue(base.matches("sha256:[0-9a-f]{64}"), base);
        assertEquals(base, small().fingerprint(), "same content, same fingerprint");
        assertEquals(base, small().select("other name", new int[] {0, 1, 2}).fingerprint(), "name is not content");
        float[] pixel = small().images().clone();
        pixel[5] = 6.5f;
        assertNotEquals(base, new Dataset("small", pixel, new int[] {0, 1, 1}, TWO_BY_ONE, List.of("a", "b"))
                .fingerprint());
        assertNotEquals(base, new Dataset("small", small().images(), new int[] {0, 1, 0}, TWO_BY_ONE,
                List.of("a", "b")).fingerprint());
        assertNotEquals(base, new Dataset("small", small().images(), new int[] {0, 1, 1}, new ImageShape(1, 2, 1),
                List.of("a", "b")).fingerprint());
        assertNotEquals(base, new Dataset("small", small().images(), new int[] {0, 1, 1}, TWO_BY_ONE,
                List.of("a", "c")).fingerprint());
    }

    @Test
    void fingerprintOfTheBuiltInDigitsDoesNotDrift() {
        // Recorded when this test was written; a change means the embedded data or the hash recipe changed,
        // which invalidates the fingerprints stored in existing run.json files.
        assertEquals(DIGITS_TEST_FINGERPRINT, DatasetSource.builtInDigits(DatasetSplit.TEST).fingerprint());
    }

    static final String DIGITS_TEST_FINGERPRINT = "sha256:73cb48303847e59e2b62580668dfc66c6bbb304e955d926fc85c2655285eb77a";

    private static void assertError(String expected, org.junit.jupiter.api.function.Executable action) {
        SmoothcalException e = assertThrows(SmoothcalException.class, action);
        assertEquals(expected, e.getMessage());
    }
}
