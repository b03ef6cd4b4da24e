package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResizeTest {
    @TempDir
    Path dir;

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    private static int[] ints(byte[] b) {
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i] & 0xff;
        }
        return v;
    }

    @Test
    void stretchSamplesBilinearlyAtPixelCentres() {
        // source row [0, 100] to 4 columns: centres at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped)
        assertArrayEquals(new int[] {0, 25, 75, 100},
                ints(new Resize(1, 4, ResizeRule.STRETCH).apply(bytes(0, 100), 1, 2, 1)));
        // 2x2 to 1x1 averages the four
        assertArrayEquals(new int[] {25}, ints(new Resize(1, 1, ResizeRule.STRETCH).apply(bytes(0, 0, 0, 100), 2, 2, 1)));
        byte[] same = bytes(1, 2, 3);
        assertSame(same, new Resize(1, 1, ResizeRule.LETTERBOX).apply(same, 1, 1, 3), "the target size is kept as is");
    }

    @Test
    void letterboxPadsWithBlackAndCenterCropCutsTheMiddle() {
        // a 1x4 row into 4x4: scale 1, one image row centred (row 1), the rest 0
        byte[] boxed = new Resize(4, 4, ResizeRule.LETTERBOX).apply(bytes(10, 20, 30, 40), 1, 4, 1);
        assertArrayEquals(new int[] {0, 0, 0, 0, 10, 20, 30, 40, 0, 0, 0, 0, 0, 0, 0, 0}, ints(boxed));
        // a 1x4 row into 1x2: scale 1, the centre two columns
        assertArrayEquals(new int[] {20, 30},
                ints(new Resize(1, 2, ResizeRule.CENTER_CROP).apply(bytes(10, 20, 30, 40), 1, 4, 1)));
        // channels resize independently
        assertArrayEquals(new int[] {0, 200, 50, 150, 100, 100},
                ints(new Resize(1, 3, ResizeRule.STRETCH).apply(bytes(0, 200, 100, 100), 1, 2, 2)));
    }

    @Test
    void mixedSizesNeedARuleAndThenLoadAtTheTargetWithGreyRepeatedIntoRgb() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("a/big.png", ArchiveFiles.png(4, 2, 0, false));
        files.put("b/small.png", ArchiveFiles.png(2, 1, 50, true));
        Path folder = ArchiveFiles.folder(dir.resolve("mixed"), files);
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> DatasetSource.load(folder, DatasetSplit.TEST));
        assertTrue(e.getMessage().endsWith("(give a resize rule to bring them to one size)"), e.getMessage());
        Dataset d = DatasetSource.load(folder, DatasetSplit.TEST, LoadOptions.defaults()
                .withResize(new Resize(2, 4, ResizeRule.STRETCH)));
        assertEquals(new ImageShape(2, 4, 3), d.shape(), "one colour image makes all RGB");
        // the grey 4x2 image is already the target: its value at (y=1, x=3) is 0 + 10*1 + 3, in all channels
        int at = (1 * 4 + 3) * 3;
        assertArrayEquals(new float[] {13, 13, 13}, java.util.Arrays.copyOfRange(d.images(), at, at + 3));
        // the RGB 2x1 image (R = 50, G = y = 0, B = x) stretched to 4x2: B runs 0, 0.25, 0.75, 1 -> 0, 0, 1, 1
        int second = 2 * 4 * 3;
        assertArrayEquals(new float[] {50, 0, 0, 50, 0, 0, 50, 0, 1, 50, 0, 1},
                java.util.Arrays.copyOfRange(d.images(), second, second + 12));
        assertEquals(DatasetSource.load(ArchiveFiles.zip(dir.resolve("m.zip"), files), DatasetSplit.TEST,
                LoadOptions.defaults().withResize(new Resize(2, 4, ResizeRule.STRETCH))).fingerprint(), d.fingerprint(),
                "an archive resizes as its folder");
    }

    @Test
    void rulesParseByTheirIds() {
        assertEquals(ResizeRule.CENTER_CROP, ResizeRule.parse("Center-Crop"));
        assertEquals("letterbox", ResizeRule.LETTERBOX.id());
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> ResizeRule.parse("fit"));
        assertEquals("resize must be one of [stretch, center-crop, letterbox], found 'fit'", e.getMessage());
        assertThrows(SmoothcalException.class, () -> new Resize(0, 3, ResizeRule.STRETCH));
    }

    @Test
    void progressIsReported() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            files.put("c" + i % 3 + "/" + i + ".png", ArchiveFiles.png(2, 2, i, false));
        }
        Path folder = ArchiveFiles.folder(dir.resolve("many"), files);
        int[] last = new int[2];
        DatasetSource.load(folder, DatasetSplit.TEST, LoadOptions.defaults().withListener((done, total) -> {
            assertTrue(done >= last[0], "monotone");
            last[0] = done;
            last[1] = total;
        }));
        assertArrayEquals(new int[] {300, 300}, last);
    }

    @Test
    void formatsOfOneStoredSizeTakeAResizeToThatSizeAndRefuseAnother() {
        LoadOptions same = LoadOptions.defaults().withResize(new Resize(8, 8, ResizeRule.LETTERBOX));
        assertEquals(DatasetSource.load("digits", DatasetSplit.TEST).fingerprint(),
                DatasetSource.load("digits", DatasetSplit.TEST, same).fingerprint());
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> DatasetSource.load("digits",
                DatasetSplit.TEST, LoadOptions.defaults().withResize(new Resize(16, 16, ResizeRule.STRETCH))));
        assertEquals(java.util.Optional.of("resize"), e.parameter());
        assertTrue(e.getMessage().contains("of 8x8 images, not 16x16"), e.getMessage());
    }

    @Test
    void ruleIsWrittenAndReadAsItsFlagSpelling() throws IOException {
        Resize r = new Resize(32, 24, ResizeRule.CENTER_CROP);
        String json = dev.smoothcal.core.json.Json.MAPPER.writeValueAsString(r);
        assertTrue(json.contains("\"center-crop\""), json);
        assertEquals(r, dev.smoothcal.core.json.Json.MAPPER.readValue(json, Resize.class));
    }
}
