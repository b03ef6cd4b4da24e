package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image folders and archives opened as streams ({@link DatasetSource#open}) give exactly the values, labels,
 * shape and fingerprint of the in-memory load ({@link DatasetSource#load}), whole and in shards, at any batch
 * size; the in-memory load is the reference (it decodes every image first, then lays them out).
 */
class ImageFolderSourceTest {
    @TempDir
    Path dir;

    /** 150 images: train grey PNGs of three classes; test has colour PNGs, grey PNGs and JPEGs (so test is RGB). */
    private static Map<String, byte[]> layout() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Random rng = new Random(7);
        String[] classes = {"ant", "bee", "cow"};
        for (int i = 0; i < 75; i++) {
            files.put("train/" + classes[i % 3] + "/" + String.format("%03d.png", i), ArchiveFiles.png(5, 4, i, false));
            String c = classes[(i / 3) % 3];
            files.put("test/" + c + "/" + String.format("%03d", i) + (i % 3 == 0 ? ".jpg" : ".png"),
                    i % 3 == 0 ? jpeg(5, 4, rng) : ArchiveFiles.png(5, 4, i, i % 3 == 1));
        }
        return files;
    }

    static byte[] jpeg(int w, int h, Random rng) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rng.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads {@code source} in {@code shards} shards of batches of {@code batch}, checking the order. */
    private static Dataset readBack(BatchSource source, int batch, int shards) {
        int per = source.shape().size();
        float[] pixels = new float[source.size() * per];
        int[] labels = new int[source.size()];
        for (int s = 0; s < shards; s++) {
            Shard shard = Shard.of(source.size(), s, shards);
            AtomicInteger next = new AtomicInteger(shard.from());
            source.read(shard, batch, b -> {
                assertEquals(next.get(), b.from(), "in order");
                assertTrue(b.count() >= 1 && b.count() <= batch);
                assertEquals(b.count() * per, b.pixels().length);
                next.addAndGet(b.count());
                System.arraycopy(b.pixels(), 0, pixels, b.from() * per, b.pixels().length);
                System.arraycopy(b.labels(), 0, labels, b.from(), b.count());
            });
            assertEquals(shard.to(), next.get());
        }
        return new Dataset(source.name(), pixels, labels, source.shape(), source.classNames());
    }

    private static void assertSame(Dataset expected, BatchSource source) {
        assertEquals(expected.name(), source.name());
        assertEquals(expected.shape(), source.shape());
        assertEquals(expected.classNames(), source.classNames());
        assertArrayEquals(expected.labels(), source.labels());
        assertEquals(expected.fingerprint(), source.fingerprint());
        for (int[] batchAndShards : new int[][] {{1, 1}, {7, 3}, {64, 2}, {1000, 1}}) {
            Dataset back = readBack(source, batchAndShards[0], batchAndShards[1]);
            assertArrayEquals(expected.images(), back.images(), "batch " + batchAndShards[0]);
            assertArrayEquals(expected.labels(), back.labels());
        }
    }

    @Test
    void foldersAndEveryArchiveKindStreamExactlyWhatTheyLoad() throws IOException {
        Map<String, byte[]> files = layout();
        List<Path> paths = List.of(ArchiveFiles.folder(dir.resolve("extracted"), files),
                ArchiveFiles.tar(dir.resolve("d.tar"), false, files), ArchiveFiles.tar(dir.resolve("d.tgz"), true, files),
                ArchiveFiles.zip(dir.resolve("d.zip"), files));
        for (Path path : paths) {
            for (DatasetSplit split : DatasetSplit.values()) {
                Dataset loaded = DatasetSource.load(path, split);
                BatchSource source = DatasetSource.open(path, split, DataLimits.defaults());
                assertFalse(source instanceof InMemorySource, "streams");
                assertSame(loaded, source);
                assertEquals(split == DatasetSplit.TEST ? 3 : 1, source.shape().channels());
            }
        }
    }

    @Test
    void aTarWrittenOutOfOrderAndALabelsCsvStreamInSampleOrder() throws IOException {
        Map<String, byte[]> files = layout();
        List<String> names = new ArrayList<>(files.keySet());
        Collections.shuffle(names, new Random(3));
        Map<String, byte[]> shuffled = new LinkedHashMap<>();
        names.forEach(n -> shuffled.put(n, files.get(n)));
        Path tar = ArchiveFiles.tar(dir.resolve("shuffled.tar.gz"), true, shuffled);
        Path folder = ArchiveFiles.folder(dir.resolve("folder"), files);
        for (DatasetSplit split : DatasetSplit.values()) {
            BatchSource source = DatasetSource.open(tar, split, DataLimits.defaults());
            assertSame(DatasetSource.load(tar, split), source);
            assertEquals(DatasetSource.load(folder, split).fingerprint(), source.fingerprint(), "the folder's order");
        }

        Map<String, byte[]> labelled = new LinkedHashMap<>();
        StringBuilder csv = new StringBuilder("id,label\n");
        for (int i = 40; i >= 0; i--) {
            labelled.put("img" + i + ".png", ArchiveFiles.png(3, 3, i, i % 5 == 0));
            csv.append("img").append(i).append(',').append(i % 2 == 0 ? "even" : "odd").append('\n');
        }
        labelled.put("labels.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        Path labels = ArchiveFiles.tar(dir.resolve("labels.tar"), false, labelled);
        Dataset loaded = DatasetSource.load(labels, DatasetSplit.TEST);
        assertEquals(List.of("even", "odd"), loaded.classNames());
        assertSame(loaded, DatasetSource.open(labels, DatasetSplit.TEST, DataLimits.defaults()));
        Path folder2 = ArchiveFiles.folder(dir.resolve("labelled"), labelled);
        assertSame(DatasetSource.load(folder2, DatasetSplit.TEST), DatasetSource.open(folder2, DatasetSplit.TEST,
                DataLimits.defaults()));
        assertEquals(loaded.fingerprint(), DatasetSource.load(folder2, DatasetSplit.TEST).fingerprint());
    }

    @Test
    void aFolderOfPerSplitArchivesAndAResizeStreamAsTheyLoad() throws IOException {
        Map<String, byte[]> train = new LinkedHashMap<>();
        Map<String, byte[]> test = new LinkedHashMap<>();
        layout().forEach((k, v) -> (k.startsWith("train") ? train : test).put(k, v));
        test.put("test/dog/big.png", ArchiveFiles.png(9, 6, 3, true)); // another size: needs the resize
        Path both = Files.createDirectory(dir.resolve("both"));
        ArchiveFiles.tar(both.resolve("pets-train.tar.gz"), true, train);
        ArchiveFiles.zip(both.resolve("pets-test.zip"), test);
        LoadOptions resize = LoadOptions.defaults().withResize(new Resize(4, 6, ResizeRule.LETTERBOX));
        for (DatasetSplit split : DatasetSplit.values()) {
            Dataset loaded = DatasetSource.load(both, split, resize);
            assertSame(loaded, DatasetSource.open(both, split, resize));
            assertEquals(List.of("ant", "bee", "cow", "dog"), loaded.classNames());
        }
        String inMemory = assertThrows(SmoothcalException.class, () -> DatasetSource.load(both, DatasetSplit.TEST))
                .getMessage();
        String streamed = assertThrows(SmoothcalException.class, () -> DatasetSource.open(both, DatasetSplit.TEST,
                LoadOptions.defaults())).getMessage();
        assertEquals(inMemory, streamed);
        assertTrue(streamed.contains("big.png: expected every image to be 5x4"), streamed);
    }

    @Test
    void aBrokenImageFailsItsReadNamingItAndAStoppedReadLeavesTheSourceReusable() throws IOException {
        Map<String, byte[]> files = layout();
        files.put("test/cow/zz.png", corrupt(ArchiveFiles.png(5, 4, 1, true))); // its header intact
        Path tgz = ArchiveFiles.tar(dir.resolve("broken.tgz"), true, files);
        BatchSource source = DatasetSource.open(tgz, DatasetSplit.TEST, DataLimits.defaults());
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> source.read(10, b -> { }));
        assertTrue(e.getMessage().startsWith(tgz + "!/test/cow/zz.png: expected a PNG or JPEG image"), e.getMessage());
        assertEquals(e.getMessage(), assertThrows(SmoothcalException.class,
                () -> DatasetSource.load(tgz, DatasetSplit.TEST)).getMessage(), "the in-memory load says the same");

        files.remove("test/cow/zz.png");
        BatchSource good = DatasetSource.open(ArchiveFiles.tar(dir.resolve("good.tgz"), true, files), DatasetSplit.TEST,
                DataLimits.defaults());
        AtomicInteger seen = new AtomicInteger();
        assertThrows(SmoothcalException.class, () -> good.read(4, b -> {
            if (seen.incrementAndGet() == 3) {
                throw new SmoothcalException("enough");
            }
        }));
        assertEquals(3, seen.get());
        assertEquals(DatasetSource.load(dir.resolve("good.tgz"), DatasetSplit.TEST).fingerprint(), good.fingerprint(),
                "reusable");
    }

    /** The PNG with its compressed pixel data (IDAT) replaced by bytes zlib refuses, its IHDR intact. */
    private static byte[] corrupt(byte[] png) {
        byte[] out = png.clone();
        for (int i = 8; i + 8 < out.length; i++) {
            if (out[i] == 'I' && out[i + 1] == 'D' && out[i + 2] == 'A' && out[i + 3] == 'T') {
                Arrays.fill(out, i + 4, Math.min(out.length, i + 4 + 12), (byte) 0xEE);
                return out;
            }
        }
        throw new AssertionError("no IDAT chunk");
    }

    @Test
    void theSharedCifarTarballStreamsWhatItLoads() {
        Path tgz = SharedData.require("cifar10-jpeg/cifar10-test-jpg.tar.gz");
        Dataset loaded = DatasetSource.load(tgz, DatasetSplit.TEST);
        BatchSource source = DatasetSource.open(tgz, DatasetSplit.TEST, DataLimits.defaults());
        assertEquals(loaded.fingerprint(), source.fingerprint());
        assertArrayEquals(loaded.images(), readBack(source, 100, 3).images());
        BatchSource folder = DatasetSource.open(tgz.getParent(), DatasetSplit.TEST, DataLimits.defaults());
        assertEquals(loaded.fingerprint(), folder.fingerprint(), "the folder of both tarballs");
    }
}
