package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.SpecFiles.Compression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchSourceTest {
    @TempDir
    Path dir;

    /** Writes an IDX pair of {@code n} 3x2 images whose bytes count up, labels i % 3. */
    private Path idx(int n, Compression compression) throws IOException {
        byte[] pixels = new byte[n * 6];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 3);
        }
        String gz = compression == Compression.GZIP ? ".gz" : "";
        SpecFiles.write(dir.resolve("t10k-images-idx3-ubyte" + gz), SpecFiles.idx(new int[] {n, 3, 2}, pixels),
                compression);
        SpecFiles.write(dir.resolve("t10k-labels-idx1-ubyte" + gz), SpecFiles.idx(new int[] {n}, labels), compression);
        return dir;
    }

    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {1, 7, 64, 1000})
    void idxStreamsExactlyTheInMemoryValuesWholeAndInShards(int batch) throws IOException {
        Path folder = idx(301, Compression.GZIP);
        Dataset loaded = DatasetSource.load(folder, DatasetSplit.TEST);
        BatchSource source = DatasetSource.open(folder, DatasetSplit.TEST, DataLimits.defaults());
        assertEquals(loaded.size(), source.size());
        assertEquals(loaded.shape(), source.shape());
        assertEquals(loaded.classNames(), source.classNames());
        assertEquals(loaded.fingerprint(), source.fingerprint());
        assertEquals(loaded.fingerprint(), source.toDataset().fingerprint());
        float[] joined = new float[loaded.images().length];
        int[] labels = new int[loaded.size()];
        for (int s = 0; s < 4; s++) {
            Shard shard = Shard.of(source.size(), s, 4);
            AtomicInteger next = new AtomicInteger(shard.from());
            source.read(shard, batch, b -> {
                assertEquals(next.get(), b.from(), "in order");
                assertTrue(b.count() <= batch);
                next.addAndGet(b.count());
                System.arraycopy(b.pixels(), 0, joined, b.from() * 6, b.pixels().length);
                System.arraycopy(b.labels(), 0, labels, b.from(), b.count());
            });
            assertEquals(shard.to(), next.get());
        }
        assertArrayEquals(loaded.images(), joined);
        assertArrayEquals(loaded.labels(), labels);
    }

    @Test
    void inMemoryAndDigitsSourcesMatchTheirDatasets() {
        Dataset digits = DatasetSource.load("digits", DatasetSplit.TEST);
        BatchSource source = DatasetSource.open("digits", DatasetSplit.TEST);
        assertEquals(digits.fingerprint(), source.fingerprint());
        float[] firstTen = new float[640];
        source.read(new Shard(0, 10), 3, b -> System.arraycopy(b.pixels(), 0, firstTen, b.from() * 64, b.pixels().length));
        assertArrayEquals(Arrays.copyOf(digits.images(), 640), firstTen);
    }

    @Test
    void sharedMnistStreamsAsItLoads() {
        Path mnist = SharedData.require("mnist");
        BatchSource source = DatasetSource.open(mnist, DatasetSplit.TEST, DataLimits.defaults());
        assertEquals(DatasetSource.load(mnist, DatasetSplit.TEST).fingerprint(), source.fingerprint());
    }

    @Test
    void aTruncatedStreamAndABadShardAreClearErrors() throws IOException {
        Path folder = idx(50, Compression.NONE);
        Path images = folder.resolve("t10k-images-idx3-ubyte");
        BatchSource source = DatasetSource.open(folder, DatasetSplit.TEST, DataLimits.defaults());
        byte[] all = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(all, all.length - 10)); // cut after opening
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> source.read(16, b -> { }));
        assertTrue(e.getMessage().contains("truncated file?"), e.getMessage());
        assertThrows(SmoothcalException.class, () -> source.read(new Shard(0, 51), 16, b -> { }));
        SmoothcalException consumer = assertThrows(SmoothcalException.class, () -> DatasetSource.open("digits",
                DatasetSplit.TEST).read(16, b -> {
                    throw new SmoothcalException("consumer stops");
                }));
        assertEquals("consumer stops", consumer.getMessage());
    }

    @Test
    void aConsumerThatStopsEarlyStopsTheReader() throws IOException {
        BatchSource source = DatasetSource.open(idx(2000, Compression.GZIP), DatasetSplit.TEST, DataLimits.defaults());
        AtomicInteger seen = new AtomicInteger();
        assertThrows(SmoothcalException.class, () -> source.read(10, b -> {
            if (seen.incrementAndGet() == 3) {
                throw new SmoothcalException("enough");
            }
        }));
        assertEquals(3, seen.get());
        assertEquals(DatasetSource.load(dir, DatasetSplit.TEST).fingerprint(), source.fingerprint(), "reusable");
    }
}
