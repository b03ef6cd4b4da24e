package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NumpyLoaderTest {
    private static final int[] SHAPE_2X1X2 = {2, 1, 2};
    private static final byte[] LABELS_1_0 = SpecFiles.npy(1, "|u1", false, new int[] {2}, new byte[] {1, 0});

    @TempDir
    Path dir;

    @Test
    void kmnistTestSplitMatchesAnIndependentReadingOfTheFiles() throws IOException {
        Path kmnist = SharedData.require("kmnist-test");
        Dataset test = DatasetSource.load(kmnist.toString(), DatasetSplit.TEST);
        assertEquals(10_000, test.size());
        assertEquals(new ImageShape(28, 28, 1), test.shape());
        assertEquals(ClassNames.numbered(10), test.classNames());
        assertArrayEquals(naiveLabelCounts(kmnist.resolve("kmnist-test-labels.npz")), test.classCounts());
        // Values printed by NumPy 2.4 (np.load(...)['arr_0']): x.sum() and x[0, 14, :8].
        double sum = 0;
        for (float v : test.images()) {
            sum += v;
        }
        assertEquals(368_966_405.0, sum);
        assertArrayEquals(new float[] {0, 180, 161, 0, 0, 1, 193, 126},
                Arrays.copyOfRange(test.images(), 14 * 28, 14 * 28 + 8));
        IdxLoaderTest.assertPixelRange(test, 0, 255);
    }

    @Test
    void kmnistTrainSplitNamesTheMissingImagesFile() {
        Path kmnist = SharedData.require("kmnist-test/kmnist-train-labels.npz").getParent();
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> DatasetSource.load(kmnist.toString(), DatasetSplit.TRAIN));
        assertEquals("data " + kmnist + ": found kmnist-train-labels.npz but expected *-train-imgs.npz beside it, "
                + "found none", e.getMessage());
    }

    /** Counts label bytes by skipping the .npy header by hand: 10-byte prefix plus the uint16 header length. */
    private static int[] naiveLabelCounts(Path npz) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(npz))) {
            ZipEntry entry = zip.getNextEntry();
            assertEquals("arr_0.npy", entry.getName());
            byte[] all = zip.readAllBytes();
            int headerLength = (all[8] & 0xff) | (all[9] & 0xff) << 8;
            int[] counts = new int[10];
            for (int i = 10 + headerLength; i < all.length; i++) {
                counts[all[i]]++;
            }
            return counts;
        }
    }

    static Stream<Arguments> dtypes() {
        return Stream.of(
                Arguments.of("|u1", SpecFiles.littleEndian(1, 0, 1, 200, 255), new float[] {0, 1, 200, 255}),
                Arguments.of("|i1", SpecFiles.littleEndian(1, -128, -3, 0, 127), new float[] {-128, -3, 0, 127}),
                Arguments.of("<u2", SpecFiles.littleEndian(2, 0, 65535, 256, 1), new float[] {0, 65535, 256, 1}),
                Arguments.of("<i2", SpecFiles.littleEndian(2, -300, 300, 0, 1), new float[] {-300, 300, 0, 1}),
                Arguments.of("<i4", SpecFiles.littleEndian(4, -70000, 70000, 0, 1), new float[] {-70000, 70000, 0, 1}),
                Arguments.of("<u4", SpecFiles.littleEndian(4, 4_000_000_000L, 0, 1, 2), new float[] {4e9f, 0, 1, 2}),
                Arguments.of("<i8", SpecFiles.littleEndian(8, 1L << 40, -5, 0, 255), new float[] {1L << 40, -5, 0, 255}),
                Arguments.of("<f4", floats(ByteOrder.LITTLE_ENDIAN, 0.5f, -1.25f, 255f, 1e-3f),
                        new float[] {0.5f, -1.25f, 255f, 1e-3f}),
                Arguments.of(">f4", floats(ByteOrder.BIG_ENDIAN, 0.5f, -1.25f, 255f, 1e-3f),
                        new float[] {0.5f, -1.25f, 255f, 1e-3f}),
                Arguments.of("<f8", doubles(0.1, -2.5, 1e10, 3), new float[] {0.1f, -2.5f, 1e10f, 3}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void readsEachDtypeInFormatVersions1And2(String descr, byte[] data, float[] expected) throws IOException {
        for (int version : new int[] {1, 2}) {
            Path x = Files.write(dir.resolve("x" + version + ".npy"), SpecFiles.npy(version, descr, false, SHAPE_2X1X2, data));
            Path y = Files.write(dir.resolve("y" + version + ".npy"), LABELS_1_0);
            Dataset d = NumpyLoader.load("d", x, y);
            assertEquals(new ImageShape(1, 2, 1), d.shape());
            assertArrayEquals(expected, d.images(), "version " + version);
            assertArrayEquals(new int[] {1, 0}, d.labels());
            assertEquals(List.of("0", "1"), d.classNames(), "largest label + 1 classes");
        }
    }

    @Test
    void readsChannelsLastImagesAndColumnLabelsOfWideIntegerTypes() throws IOException {
        byte[] pixels = new byte[2 * 2 * 1 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (10 * i);
        }
        Path x = Files.write(dir.resolve("x.npy"), SpecFiles.npy(1, "|u1", false, new int[] {2, 2, 1, 3}, pixels));
        Path y = Files.write(dir.resolve("y.npy"), SpecFiles.npy(1, "<i8", false, new int[] {2, 1},
                SpecFiles.littleEndian(8, 2, 0)));
        Dataset d = NumpyLoader.load("hwc", x, y, List.of("a", "b", "c"));
        assertEquals(new ImageShape(2, 1, 3), d.shape());
        assertEquals(90f, d.images()[9]);
        assertArrayEquals(new int[] {2, 0}, d.labels());
    }

    @Test
    void readsNamedArraysFromOneArchiveBySplit() throws IOException {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("x_train", SpecFiles.npy(1, "|u1", false, new int[] {1, 1, 1}, new byte[] {11}));
        arrays.put("y_train", SpecFiles.npy(1, "|u1", false, new int[] {1}, new byte[] {3}));
        arrays.put("x_test", SpecFiles.npy(1, "|u1", false, new int[] {2, 1, 1}, new byte[] {21, 22}));
        arrays.put("y_test", SpecFiles.npy(1, "|u1", false, new int[] {2}, new byte[] {1, 2}));
        Path keras = SpecFiles.npz(dir.resolve("mnist.npz"), arrays);
        Dataset train = DatasetSource.load(keras.toString(), DatasetSplit.TRAIN);
        assertArrayEquals(new float[] {11}, train.images());
        assertEquals(4, train.numClasses());
        assertArrayEquals(new float[] {21, 22}, DatasetSource.load(keras.toString(), DatasetSplit.TEST).images());

        Path plain = Files.createDirectory(dir.resolve("plain"));
        Files.writeString(plain.resolve("classes.txt"), "zero\none\n");
        Path both = SpecFiles.npz(plain.resolve("all.npz"), Map.of(
                "images", SpecFiles.npy(1, "|u1", false, new int[] {1, 1, 1}, new byte[] {5}),
                "labels", SpecFiles.npy(1, "|u1", false, new int[] {1}, new byte[] {1})));
        Dataset d = DatasetSource.load(both.toString(), DatasetSplit.TEST);
        assertEquals(List.of("zero", "one"), d.classNames());

        Path odd = SpecFiles.npz(dir.resolve("odd.npz"), Map.of("a", LABELS_1_0));
        assertEquals(odd + ": expected arrays x_test and y_test, or images and labels, found [a]",
                assertThrows(SmoothcalException.class, () -> DatasetSource.load(odd.toString(), DatasetSplit.TEST))
                        .getMessage());
    }

    @Test
    void folderLayoutsKmnistAndKerasNaming() throws IOException {
        Path k = Files.createDirectory(dir.resolve("k"));
        SpecFiles.npz(k.resolve("my-test-imgs.npz"), Map.of("arr_0",
                SpecFiles.npy(1, "|u1", false, new int[] {2, 1, 1}, new byte[] {1, 2})));
        SpecFiles.npz(k.resolve("my-test-labels.npz"), Map.of("arr_0", LABELS_1_0));
        assertArrayEquals(new int[] {1, 0}, DatasetSource.load(k.toString(), DatasetSplit.TEST).labels());

        Path keras = Files.createDirectory(dir.resolve("keras"));
        Files.write(keras.resolve("x_train.npy"), SpecFiles.npy(1, "|u1", false, new int[] {2, 1, 1}, new byte[] {3, 4}));
        Files.write(keras.resolve("y_train.npy"), LABELS_1_0);
        assertArrayEquals(new float[] {3, 4}, DatasetSource.load(keras.toString(), DatasetSplit.TRAIN).images());
    }

    @Test
    void badArraysGiveErrorsNamingFileAndExpectation() throws IOException {
        Path y = Files.write(dir.resolve("y.npy"), LABELS_1_0);
        byte[] u1 = {1, 2, 3, 4};
        assertImagesError(SpecFiles.npy(1, "|u1", true, SHAPE_2X1X2, u1), y,
                "expected C order ('fortran_order': False), found 'fortran_order': True");
        assertImagesError(SpecFiles.npy(1, "<c8", false, SHAPE_2X1X2, new byte[32]), y,
                "expected a numeric dtype such as '|u1'");
        assertImagesError(SpecFiles.npy(1, "|u1", false, SHAPE_2X1X2, new byte[3]), y,
                "expected 4 data bytes for shape (2, 1, 2) of |u1, found 3 (truncated file?)");
        assertImagesError(SpecFiles.npy(1, "|u1", false, SHAPE_2X1X2, new byte[5]), y,
                "expected the data to end after 4 bytes (shape (2, 1, 2) of |u1), found more");
        assertImagesError(SpecFiles.npy(1, "|u1", false, new int[] {2, 2}, u1), y,
                "expected images of shape (N, H, W) or (N, H, W, C), found (2, 2)");
        assertImagesError(SpecFiles.npy(4, "|u1", false, SHAPE_2X1X2, u1), y,
                "expected .npy format version 1.0, 2.0 or 3.0, found 4.0");
        assertImagesError("GIF89a-not-numpy".getBytes(java.nio.charset.StandardCharsets.US_ASCII), y,
                "expected the .npy magic \\x93NUMPY, found bytes \\x47\\x49\\x46\\x38\\x39\\x61");
        byte[] badHeader = SpecFiles.npy(1, "|u1", false, SHAPE_2X1X2, u1);
        int colon = new String(badHeader, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("False");
        badHeader[colon] = 'X';
        assertImagesError(badHeader, y, ".npy header: expected True or False at character");

        Path x = Files.write(dir.resolve("x.npy"), SpecFiles.npy(1, "|u1", false, SHAPE_2X1X2, u1));
        assertLabelsError(x, SpecFiles.npy(1, "|u1", false, new int[] {3}, new byte[3]),
                "expected as many labels as images (2 in " + x + "), found 3");
        assertLabelsError(x, SpecFiles.npy(1, "<f4", false, new int[] {2}, floats(ByteOrder.LITTLE_ENDIAN, 0, 1)),
                "expected labels of an integer dtype, found float32");
        assertLabelsError(x, SpecFiles.npy(1, "<i8", false, new int[] {2}, SpecFiles.littleEndian(8, 0, -1)),
                "expected non-negative labels, found -1 at index 1");
        assertLabelsError(x, SpecFiles.npy(1, "|u1", false, new int[] {2, 2}, u1),
                "expected labels of shape (N,) or (N, 1), found (2, 2)");
        SmoothcalException tooFew = assertThrows(SmoothcalException.class,
                () -> NumpyLoader.load("d", x, y, List.of("only")));
        assertEquals(y + ": expected labels in [0, 0] (1 classes), found 1 at index 0", tooFew.getMessage());

        Path two = SpecFiles.npz(dir.resolve("two.npz"), Map.of("a", LABELS_1_0, "b", LABELS_1_0));
        assertEquals(two + ": expected an .npz holding exactly one array, found [a, b]",
                assertThrows(SmoothcalException.class, () -> NumpyLoader.load("d", two, y)).getMessage());
    }

    private void assertImagesError(byte[] images, Path labels, String expectedPart) throws IOException {
        Path x = Files.write(dir.resolve("bad-images.npy"), images);
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> NumpyLoader.load("d", x, labels));
        assertTrue(e.getMessage().startsWith(x.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }

    private void assertLabelsError(Path images, byte[] labels, String expectedPart) throws IOException {
        Path y = Files.write(dir.resolve("bad-labels.npy"), labels);
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> NumpyLoader.load("d", images, y));
        assertEquals(y + ": " + expectedPart, e.getMessage());
    }

    private static byte[] floats(ByteOrder order, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(order);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static byte[] doubles(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

}
