package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.SpecFiles.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IdxLoaderTest {
    private static final List<String> TEN = ClassNames.numbered(10);

    @TempDir
    Path dir;

    @Test
    void mnistTestSplitHasThePublishedSizeShapeAndClassCounts() {
        Path mnist = SharedData.require("mnist");
        Dataset test = DatasetSource.load(mnist.toString(), DatasetSplit.TEST);
        assertEquals(10_000, test.size());
        assertEquals(new ImageShape(28, 28, 1), test.shape());
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, test.classCounts());
        assertEquals(TEN, test.classNames());
        assertPixelRange(test, 0, 255);
    }

    @Test
    void fashionTestSplitHasThePublishedClassesAndCounts() {
        Path fashion = SharedData.require("fashion-mnist");
        Dataset test = DatasetSource.load(fashion.toString(), DatasetSplit.TEST);
        assertEquals(10_000, test.size());
        assertEquals(new ImageShape(28, 28, 1), test.shape());
        int[] thousandEach = new int[10];
        Arrays.fill(thousandEach, 1000);
        assertArrayEquals(thousandEach, test.classCounts());
        assertEquals(List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                "Bag", "Ankle boot"), test.classNames());
    }

    @Test
    void fashionClassesAreRecognisedAfterRecompression() throws IOException {
        // The Debian package re-gzips the files: the gzip bytes (and their MD5) change, the content does not.
        Path fashion = SharedData.require("fashion-mnist");
        Files.copy(fashion.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-images-idx3-ubyte.gz"));
        byte[] labels;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(fashion.resolve("t10k-labels-idx1-ubyte.gz")))) {
            labels = in.readAllBytes();
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("t10k-labels-idx1-ubyte.gz"))) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            out.write(labels);
        }
        assertTrue(!Arrays.equals(Files.readAllBytes(fashion.resolve("t10k-labels-idx1-ubyte.gz")),
                Files.readAllBytes(dir.resolve("t10k-labels-idx1-ubyte.gz"))), "the gzip bytes must differ");
        assertEquals(DatasetSource.FASHION_CLASSES, DatasetSource.load(dir.toString(), DatasetSplit.TEST).classNames());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void readsFilesWrittenPerTheSpec(Compression compression) throws IOException {
        // two 2x3 images, row-major: image 1 holds 0..5, image 2 holds 250..255
        byte[] pixels = {0, 1, 2, 3, 4, 5, (byte) 250, (byte) 251, (byte) 252, (byte) 253, (byte) 254, (byte) 255};
        Path images = SpecFiles.write(dir.resolve("i"), SpecFiles.idx(new int[] {2, 2, 3}, pixels), compression);
        Path labels = SpecFiles.write(dir.resolve("l"), SpecFiles.idx(new int[] {2}, new byte[] {9, 0}), compression);
        Dataset d = IdxLoader.load("spec", images, labels, TEN);
        assertEquals(new ImageShape(2, 3, 1), d.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255}, d.images());
        assertArrayEquals(new int[] {9, 0}, d.labels());
    }

    @Test
    void badInputsGiveErrorsNamingTheFileAndTheExpectation() throws IOException {
        Path goodImages = write("good-images", SpecFiles.idx(new int[] {2, 1, 1}, new byte[] {1, 2}));
        Path goodLabels = write("good-labels", SpecFiles.idx(new int[] {2}, new byte[] {0, 1}));

        byte[] floatMagic = SpecFiles.idx(new int[] {2, 1, 1}, new byte[] {1, 2});
        floatMagic[2] = 0x0d;
        assertError(write("float", floatMagic), goodLabels,
                "expected IDX magic 0x00000803 (unsigned bytes, 3 dimensions), found 0x00000d03");
        assertError(goodImages, goodImages,
                "expected IDX magic 0x00000801 (unsigned bytes, 1 dimension), found 0x00000803");
        assertError(write("short", new byte[] {0, 0}), goodLabels, "expected an IDX header, found a file shorter");
        assertError(write("cut-header", Arrays.copyOf(SpecFiles.idx(new int[] {2, 1, 1}, new byte[0]), 10)), goodLabels,
                "expected a header of 16 bytes (magic and 3 dimension sizes), found a file that ends inside it");
        assertError(write("truncated", SpecFiles.idx(new int[] {3, 1, 1}, new byte[] {1, 2})), goodLabels,
                "expected 3 data bytes after the header, found 2 (truncated file?)");
        assertError(write("long", SpecFiles.idx(new int[] {1, 1, 1}, new byte[] {1, 2})), goodLabels,
                "expected the file to end after 1 data bytes, found more");
        assertError(goodImages, write("three-labels", SpecFiles.idx(new int[] {3}, new byte[] {0, 1, 2})),
                "expected as many labels as images (2), found 3");
        assertError(goodImages, write("big-label", SpecFiles.idx(new int[] {2}, new byte[] {0, 10})),
                "expected labels in [0, 9], found 10 at index 1");
        assertError(write("zero-dim", SpecFiles.idx(new int[] {2, 0, 1}, new byte[0])), goodLabels,
                "expected positive IDX dimensions, found 0 for dimension 1");
    }

    @Test
    void truncatedGzipIsReportedAsUnreadable() throws IOException {
        byte[] noise = new byte[4000];
        new java.util.Random(5).nextBytes(noise); // incompressible, so the cut falls inside the pixel data
        Path gz = SpecFiles.write(dir.resolve("gz"), SpecFiles.idx(new int[] {2, 40, 50}, noise), Compression.GZIP);
        byte[] all = Files.readAllBytes(gz);
        Path cut = write("cut.gz", Arrays.copyOf(all, all.length - 100));
        Path labels = write("labels", SpecFiles.idx(new int[] {2}, new byte[] {0, 1}));
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> IdxLoader.load("x", cut, labels, TEN));
        assertEquals("could not read IDX images " + cut + ": Unexpected end of ZLIB input stream", e.getMessage());
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static void assertError(Path images, Path labels, String expectedPart) {
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> IdxLoader.load("x", images, labels, TEN));
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
        assertTrue(e.getMessage().contains(images.toString()) || e.getMessage().contains(labels.toString()),
                "names the file: " + e.getMessage());
    }

    static void assertPixelRange(Dataset d, float min, float max) {
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float v : d.images()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        assertEquals(min, lo, "smallest pixel");
        assertEquals(max, hi, "largest pixel");
    }
}
