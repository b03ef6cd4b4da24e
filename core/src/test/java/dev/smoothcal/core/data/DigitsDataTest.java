package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded UCI digits against the class counts and ranges published in shared/data/README.md. */
class DigitsDataTest {

    @Test
    void builtInTrainHasThePublishedSizeAndClassCounts() {
        Dataset train = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        assertEquals(3823, train.size());
        assertEquals(new ImageShape(8, 8, 1), train.shape());
        assertArrayEquals(new int[] {376, 389, 380, 389, 387, 376, 377, 387, 380, 382}, train.classCounts());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), train.classNames());
    }

    @Test
    void builtInTestHasThePublishedSizeAndClassCounts() {
        Dataset test = DatasetSource.load("digits", DatasetSplit.TEST);
        assertEquals(1797, test.size());
        assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, test.classCounts());
    }

    @Test
    void pixelsAreWholeNumbersFromZeroToSixteenAndBothEndsOccur() {
        Dataset train = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : train.images()) {
            assertEquals(Math.rint(v), v, "pixel values are counts of set pixels");
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(16f, max);
    }

    @Test
    void embeddedFilesAreTheSharedDataFiles() {
        SharedData.require("digits/optdigits-train.csv.gz");
        for (DatasetSplit split : DatasetSplit.values()) {
            Dataset shared = DatasetSource.load(SharedData.ROOT.resolve("digits").toString(), split);
            assertEquals(DatasetSource.builtInDigits(split).fingerprint(), shared.fingerprint(), split.id());
        }
    }

    @Test
    void csvErrorsNameTheLineAndWhatWasExpected() {
        String row = "0,".repeat(64) + "3";
        assertEquals(3, DigitsCsvLoader.load("ok", stream(row + "\n\n" + row)).labels()[1]);
        assertMessage("bad line 2: expected 65 comma-separated integers", "bad", row + "\n1,2,3");
        assertMessage("bad line 1: expected pixel values in [0, 16], found 17 at position 1", "bad",
                "17," + row.substring(2));
        assertMessage("bad line 1: expected a label in [0, 9], found 10", "bad", "0,".repeat(64) + "10");
        assertMessage("bad line 1: expected an integer, found 'x'", "bad", "x," + row.substring(2));
        assertMessage("empty: expected at least one image, found an empty file", "empty", "");
    }

    private static void assertMessage(String expectedStart, String name, String content) {
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> DigitsCsvLoader.load(name, stream(content)));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }
}
