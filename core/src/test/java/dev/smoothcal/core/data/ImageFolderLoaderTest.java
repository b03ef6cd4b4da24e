package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderLoaderTest {
    @TempDir
    Path dir;

    @Test
    void greyPngsLoadRawWithSortedClassFoldersAndFileOrder() throws IOException {
        writeGrey(dir.resolve("dog/b.png"), 3, 2, 100);
        writeGrey(dir.resolve("dog/a.png"), 3, 2, 50);
        writeGrey(dir.resolve("cat/z.PNG"), 3, 2, 0);
        writeGrey(dir.resolve(".thumbs/x.png"), 3, 2, 9);
        Files.writeString(dir.resolve("cat/notes.txt"), "not an image");
        Dataset d = ImageFolderLoader.load("pets", dir);
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertEquals(new ImageShape(2, 3, 1), d.shape());
        assertArrayEquals(new int[] {0, 1, 1}, d.labels());
        // pixel (y, x) of a written image = base + 10*y + x
        assertArrayEquals(new float[] {0, 1, 2, 10, 11, 12}, java.util.Arrays.copyOfRange(d.images(), 0, 6));
        assertArrayEquals(new float[] {50, 51, 52, 60, 61, 62}, java.util.Arrays.copyOfRange(d.images(), 6, 12));
        assertEquals(112f, d.images()[17]);
    }

    @Test
    void oneColourImageMakesAllRgbWithGreyRepeated() throws IOException {
        writeGrey(dir.resolve("a/grey.png"), 2, 1, 7);
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0x0A141E); // (10, 20, 30)
        rgb.setRGB(1, 0, 0xFF8001); // (255, 128, 1)
        write(rgb, "png", dir.resolve("b/rgb.png"));
        Dataset d = ImageFolderLoader.load("mixed", dir);
        assertEquals(new ImageShape(1, 2, 3), d.shape());
        assertArrayEquals(new float[] {7, 7, 7, 8, 8, 8, 10, 20, 30, 255, 128, 1}, d.images());
    }

    @Test
    void jpegAndOneBitPngDecodeToTheirValues() throws IOException {
        BufferedImage flat = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                flat.setRGB(x, y, 0xC83264); // (200, 50, 100)
            }
        }
        write(flat, "jpg", dir.resolve("colour/flat.jpg"));
        BufferedImage binary = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_BINARY);
        binary.setRGB(3, 2, 0xFFFFFF);
        write(binary, "png", dir.resolve("mono/dot.png"));
        Dataset d = ImageFolderLoader.load("jpeg", dir);
        assertEquals(new ImageShape(8, 8, 3), d.shape());
        float[] expected = {200, 50, 100};
        for (int i = 0; i < 64 * 3; i++) {
            // JPEG is lossy; a flat block survives YCbCr round trips within a few levels
            assertEquals(expected[i % 3], d.images()[i], 3f, "jpeg value " + i);
        }
        int dot = 64 * 3 + (2 * 8 + 3) * 3;
        assertArrayEquals(new float[] {255, 255, 255}, java.util.Arrays.copyOfRange(d.images(), dot, dot + 3));
        assertEquals(0f, d.images()[64 * 3]);
    }

    @Test
    void splitLayoutSharesOneLabelMappingAcrossTrainAndTest() throws IOException {
        writeGrey(dir.resolve("train/ant/1.png"), 1, 1, 1);
        writeGrey(dir.resolve("train/bee/1.png"), 1, 1, 2);
        writeGrey(dir.resolve("test/bee/1.png"), 1, 1, 3);
        writeGrey(dir.resolve("test/cow/1.png"), 1, 1, 4);
        Dataset test = DatasetSource.load(dir.toString(), DatasetSplit.TEST);
        assertEquals(List.of("ant", "bee", "cow"), test.classNames());
        assertArrayEquals(new int[] {1, 2}, test.labels());
        assertArrayEquals(new int[] {0, 1}, DatasetSource.load(dir.toString(), DatasetSplit.TRAIN).labels());
        assertEquals(dir.getFileName() + "/test", test.name());
    }

    @Test
    void badFoldersAndImagesNameTheFile() throws IOException {
        writeGrey(dir.resolve("a/1.png"), 4, 4, 0);
        writeGrey(dir.resolve("b/2.png"), 4, 3, 0);
        assertEquals(dir.resolve("b/2.png") + ": expected every image to be 4x4 (width x height) like "
                + dir.resolve("a/1.png") + ", found 4x3 (give a resize rule to bring them to one size)", error(dir));

        Path corrupt = Files.createDirectories(dir.resolve("corrupt/a"));
        Files.writeString(corrupt.resolve("broken.png"), "not a png");
        assertEquals(corrupt.resolve("broken.png") + ": expected a PNG or JPEG image, found a file no javax.imageio "
                + "reader recognises", error(corrupt.getParent()));

        Path deep = dir.resolve("deep/a/deep.png");
        Files.createDirectories(deep.getParent());
        write(new BufferedImage(2, 2, BufferedImage.TYPE_USHORT_GRAY), "png", deep);
        assertEquals(deep + ": expected 8-bit grey samples, found 16-bit", error(deep.getParent().getParent()));

        Path noImages = Files.createDirectories(dir.resolve("none/a"));
        assertEquals(noImages + ": expected PNG or JPEG files in class folder 'a', found none (an empty class)",
                error(noImages.getParent()));

        Path onlyTrain = dir.resolve("split/train/a/1.png");
        writeGrey(onlyTrain, 1, 1, 0);
        Path root = dir.resolve("split");
        assertEquals(root + ": expected a folder test/ for split 'test' beside train/, found none",
                assertThrows(SmoothcalException.class, () -> DatasetSource.load(root.toString(), DatasetSplit.TEST))
                        .getMessage());
    }

    @Test
    void cifarPngsFromTheSharedTarballKeepTheirPublishedLabels() throws IOException {
        Path tarball = SharedData.require("cifar10-png200/cifar10-train-first200-png.tar.gz");
        Map<String, byte[]> files = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                Files.newInputStream(tarball)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName().replaceFirst("^\\./", "");
                if (name.equals("trainLabels.csv") || name.matches(".*train/[1-5]\\.png")) {
                    files.put(name.replaceFirst(".*/(?=[^/]+$)", ""), tar.readAllBytes());
                }
            }
        }
        assertTrue(files.containsKey("trainLabels.csv"), "tarball lists " + files.keySet());
        Map<String, String> labelOf = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new java.io.ByteArrayInputStream(files.get("trainLabels.csv")), StandardCharsets.UTF_8))) {
            r.lines().map(l -> l.split(",")).forEach(p -> labelOf.put(p[0].strip(), p[1].strip()));
        }
        for (int i = 1; i <= 5; i++) {
            String png = i + ".png";
            Path target = dir.resolve(labelOf.get(png)).resolve(png);
            Files.createDirectories(target.getParent());
            Files.write(target, files.get(png));
        }
        Dataset d = ImageFolderLoader.load("cifar5", dir);
        // README: labels start frog, truck, truck, deer, automobile
        assertEquals(List.of("automobile", "deer", "frog", "truck"), d.classNames());
        assertArrayEquals(new int[] {1, 1, 1, 2}, d.classCounts());
        assertEquals(new ImageShape(32, 32, 3), d.shape());
        BufferedImage first = readPng(files.get("1.png"));
        int frog = 2; // index of 1.png in load order: automobile/5, deer/4, frog/1
        int rgb = first.getRGB(7, 5);
        int at = frog * 3072 + (5 * 32 + 7) * 3;
        assertArrayEquals(new float[] {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff},
                java.util.Arrays.copyOfRange(d.images(), at, at + 3));
    }

    @Test
    void theSharedPng200TarballLoadsInPlaceByItsKaggleStyleLabelsFile() throws IOException {
        Path folder = SharedData.require("cifar10-png200");
        // a folder holding cifar10-train-first200-png.tar.gz: train/N.png and trainLabels.csv (N.png,class; no header)
        Dataset d = DatasetSource.load(folder.toString(), DatasetSplit.TRAIN);
        assertEquals(200, d.size());
        assertEquals(new ImageShape(32, 32, 3), d.shape());
        List<String> names = d.classNames();
        assertEquals(names.stream().sorted().toList(), names);
        // README: labels start frog, truck, truck, deer, automobile (samples in the file's row order)
        int[] first = java.util.Arrays.copyOf(d.labels(), 5);
        assertArrayEquals(new int[] {names.indexOf("frog"), names.indexOf("truck"), names.indexOf("truck"),
            names.indexOf("deer"), names.indexOf("automobile")}, first);
        Path tarball = folder.resolve("cifar10-train-first200-png.tar.gz");
        byte[] png = null;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                Files.newInputStream(tarball)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.getName().replaceFirst("^\\./", "").equals("train/1.png")) {
                    png = tar.readAllBytes();
                }
            }
        }
        BufferedImage one = readPng(png);
        int rgb = one.getRGB(7, 5);
        int at = (5 * 32 + 7) * 3;
        assertArrayEquals(new float[] {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff},
                java.util.Arrays.copyOfRange(d.images(), at, at + 3));
    }

    @Test
    void kaggleLabelsFilesNameTheirSplitAndMayHaveAHeader() throws IOException {
        writeGrey(dir.resolve("train/1.png"), 2, 2, 1);
        writeGrey(dir.resolve("train/2.png"), 2, 2, 2);
        writeGrey(dir.resolve("test/9.png"), 2, 2, 3);
        Files.writeString(dir.resolve("trainLabels.csv"), "id,label\n2,bee\n1,ant\n");
        Files.writeString(dir.resolve("testLabels.csv"), "9.png,cow\n");
        Dataset train = DatasetSource.load(dir.toString(), DatasetSplit.TRAIN);
        assertEquals(List.of("ant", "bee", "cow"), train.classNames());
        assertArrayEquals(new int[] {1, 0}, train.labels());
        assertEquals(2f, train.images()[0], "row order: 2.png first");
        assertArrayEquals(new int[] {2}, DatasetSource.load(dir.toString(), DatasetSplit.TEST).labels());
        writeGrey(dir.resolve("train/3.png"), 2, 2, 4);
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> DatasetSource.load(dir.toString(), DatasetSplit.TRAIN));
        assertTrue(e.getMessage().contains("expected a row in") && e.getMessage().contains("trainLabels.csv"),
                e.getMessage());
    }

    private static BufferedImage readPng(byte[] bytes) throws IOException {
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            return ImageIO.read(in);
        }
    }

    private static String error(Path root) {
        return assertThrows(SmoothcalException.class, () -> ImageFolderLoader.load("x", root)).getMessage();
    }

    /** A grey image whose pixel (y, x) is {@code base + 10*y + x}. */
    private static void writeGrey(Path file, int width, int height, int base) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.getRaster().setSample(x, y, 0, base + 10 * y + x);
            }
        }
        write(img, "png", file);
    }

    private static void write(BufferedImage img, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, format, file.toFile()), "ImageIO writer for " + format);
    }
}
