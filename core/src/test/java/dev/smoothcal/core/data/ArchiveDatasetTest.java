package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveDatasetTest {
    @TempDir
    Path dir;

    /** A split layout: train has ant, bee; test has bee, cow; one colour image makes test RGB. */
    private static Map<String, byte[]> splitLayout() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("train/", null);
        files.put("train/ant/b.png", ArchiveFiles.png(3, 2, 1, false));
        files.put("train/ant/a.png", ArchiveFiles.png(3, 2, 2, false));
        files.put("train/bee/1.png", ArchiveFiles.png(3, 2, 3, false));
        files.put("test/bee/1.png", ArchiveFiles.png(3, 2, 4, true));
        files.put("test/cow/x.jpg", jpeg());
        files.put("test/cow/notes.txt", "not an image".getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private static byte[] jpeg() {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(3, 2, java.awt.image.BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, 0xC83264);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(img, "jpg", out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void tarTarGzTgzAndZipGiveExactlyTheExtractedFolder() throws IOException {
        Map<String, byte[]> files = splitLayout();
        Path folder = ArchiveFiles.folder(dir.resolve("extracted"), files);
        List<Path> archives = List.of(ArchiveFiles.tar(dir.resolve("d.tar"), false, files),
                ArchiveFiles.tar(dir.resolve("d.tar.gz"), true, files), ArchiveFiles.tar(dir.resolve("d.tgz"), true, files),
                ArchiveFiles.zip(dir.resolve("d.zip"), files));
        for (DatasetSplit split : DatasetSplit.values()) {
            Dataset expected = DatasetSource.load(folder, split);
            assertEquals(List.of("ant", "bee", "cow"), expected.classNames());
            for (Path archive : archives) {
                Dataset d = DatasetSource.load(archive, split);
                assertEquals(expected.fingerprint(), d.fingerprint(), archive + " " + split);
                assertEquals(archive.getFileName() + "/" + split.id(), d.name());
            }
        }
        Dataset test = DatasetSource.load(archives.get(1), DatasetSplit.TEST);
        assertArrayEquals(new int[] {1, 2}, test.labels());
        assertEquals(new ImageShape(2, 3, 3), test.shape());
        assertArrayEquals(new int[] {0, 0, 1}, DatasetSource.load(archives.get(3), DatasetSplit.TRAIN).labels());
    }

    @Test
    void aSingleTopFolderIsLookedThroughAndFlatArchivesServeEverySplit() throws IOException {
        Map<String, byte[]> wrapped = new LinkedHashMap<>();
        splitLayout().forEach((k, v) -> wrapped.put("./mydata/" + k, v));
        Path tgz = ArchiveFiles.tar(dir.resolve("wrapped.tgz"), true, wrapped);
        assertEquals(List.of("ant", "bee", "cow"), DatasetSource.load(tgz, DatasetSplit.TEST).classNames());

        Map<String, byte[]> flat = new LinkedHashMap<>();
        flat.put("cat/1.png", ArchiveFiles.png(2, 2, 0, false));
        flat.put("dog/1.png", ArchiveFiles.png(2, 2, 9, false));
        Path zip = ArchiveFiles.zip(dir.resolve("flat.zip"), flat);
        Dataset train = DatasetSource.load(zip, DatasetSplit.TRAIN);
        assertEquals(train.fingerprint(), DatasetSource.load(zip, DatasetSplit.TEST).fingerprint());
        assertEquals(List.of("cat", "dog"), train.classNames());
    }

    @Test
    void aFolderOfPerSplitArchivesFindsEachSplitAndSharesTheClassNames() throws IOException {
        Map<String, byte[]> train = new LinkedHashMap<>();
        Map<String, byte[]> test = new LinkedHashMap<>();
        splitLayout().forEach((k, v) -> (k.startsWith("train") ? train : test).put(k, v));
        Path both = Files.createDirectory(dir.resolve("both"));
        ArchiveFiles.tar(both.resolve("pets-train-png.tar.gz"), true, train);
        ArchiveFiles.zip(both.resolve("pets-test-png.zip"), test);
        Path extracted = ArchiveFiles.folder(dir.resolve("x"), splitLayout());
        for (DatasetSplit split : DatasetSplit.values()) {
            Dataset d = DatasetSource.load(both, split);
            assertEquals(List.of("ant", "bee", "cow"), d.classNames(), split.id());
            assertEquals(DatasetSource.load(extracted, split).fingerprint(), d.fingerprint(), split.id());
        }
        // alone, the test archive knows only its own classes, as its extracted folder does
        Path alone = Files.createDirectory(dir.resolve("alone"));
        ArchiveFiles.folder(alone, test);
        assertEquals(List.of("bee", "cow"), DatasetSource.load(both.resolve("pets-test-png.zip"), DatasetSplit.TEST)
                .classNames());
        assertEquals(List.of("bee", "cow"), DatasetSource.load(alone, DatasetSplit.TEST).classNames());
    }

    @Test
    void imagesBesideALabelsCsvTakeTheirClassesFromIt() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("b.png", ArchiveFiles.png(2, 1, 5, false));
        files.put("a.png", ArchiveFiles.png(2, 1, 7, false));
        files.put("sub/c.jpeg", jpegGrey());
        files.put("labels.csv", "\uFEFFid,label\r\nb,zebra\r\na.png,ape\r\n\"sub/c\",zebra\r\n".getBytes(StandardCharsets.UTF_8));
        Path folder = ArchiveFiles.folder(dir.resolve("kaggle"), files);
        Dataset d = DatasetSource.load(folder, DatasetSplit.TEST);
        assertEquals(List.of("ape", "zebra"), d.classNames());
        assertArrayEquals(new int[] {1, 0, 1}, d.labels(), "row order");
        assertArrayEquals(new float[] {5, 6, 7, 8}, java.util.Arrays.copyOf(d.images(), 4));
        assertEquals(d.fingerprint(), DatasetSource.load(ArchiveFiles.tar(dir.resolve("k.tar"), false, files),
                DatasetSplit.TRAIN).fingerprint());
    }

    private static byte[] jpegGrey() {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(2, 1, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(img, "jpg", out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void labelsCsvPerSplitSharesTheUnionOfLabels() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("train/1.png", ArchiveFiles.png(1, 1, 1, false));
        files.put("train/labels.csv", "id,label\n1,b\n".getBytes(StandardCharsets.UTF_8));
        files.put("test/2.png", ArchiveFiles.png(1, 1, 2, false));
        files.put("test/labels.csv", "id,label\n2,a\n".getBytes(StandardCharsets.UTF_8));
        Path folder = ArchiveFiles.folder(dir.resolve("csvsplit"), files);
        Dataset test = DatasetSource.load(folder, DatasetSplit.TEST);
        assertEquals(List.of("a", "b"), test.classNames());
        assertArrayEquals(new int[] {0}, test.labels());
        assertArrayEquals(new int[] {1}, DatasetSource.load(folder, DatasetSplit.TRAIN).labels());
    }

    /** The shared CIFAR-10 JPEG test tarball gives exactly what its extracted folder gives. */
    @Test
    void cifarJpegTarballEqualsItsExtractedFolder() throws IOException {
        Path tarball = SharedData.require("cifar10-jpeg/cifar10-test-jpg.tar.gz");
        Path out = Files.createDirectory(dir.resolve("cifar"));
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                Files.newInputStream(tarball)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path p = out.resolve(e.getName()).normalize();
                assertTrue(p.startsWith(out));
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                } else {
                    Files.createDirectories(p.getParent());
                    Files.copy(tar, p);
                }
            }
        }
        Dataset fromTar = DatasetSource.load(tarball, DatasetSplit.TEST);
        assertEquals(10_000, fromTar.size());
        assertEquals(Cifar10BinaryLoader.STANDARD_CLASSES, fromTar.classNames());
        assertEquals(new ImageShape(32, 32, 3), fromTar.shape());
        assertEquals(DatasetSource.load(out, DatasetSplit.TEST).fingerprint(), fromTar.fingerprint());
        Dataset fromFolder = DatasetSource.load(tarball.getParent(), DatasetSplit.TEST);
        assertEquals(fromTar.fingerprint(), fromFolder.fingerprint());
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("imageio")), "no ImageIO cache files");
        }
    }

    @Test
    void aLabelsCsvMustNameEveryImageAndOnlyExistingOnes() throws IOException {
        Path missing = ArchiveFiles.folder(dir.resolve("m"), Map.of("a.png", ArchiveFiles.png(1, 1, 0, false),
                "labels.csv", "id,label\na,x\nghost,y\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(error(missing).contains("expected an image file for id 'ghost'"), error(missing));
        Path unlabelled = ArchiveFiles.folder(dir.resolve("u"), Map.of("a.png", ArchiveFiles.png(1, 1, 0, false),
                "b.png", ArchiveFiles.png(1, 1, 0, false), "labels.csv", "id,label\na,x\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(unlabelled.resolve("b.png") + ": expected a row in " + unlabelled.resolve("labels.csv")
                + " for every image beside it, found none for this one", error(unlabelled));
    }

    private static String error(Path p) {
        return assertThrows(SmoothcalException.class, () -> DatasetSource.load(p, DatasetSplit.TEST)).getMessage();
    }
}
