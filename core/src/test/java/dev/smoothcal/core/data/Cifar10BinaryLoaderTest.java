package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smoothcal.core.SmoothcalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10BinaryLoaderTest {
    private static final int RECORD = 3073;

    @TempDir
    Path dir;

    /**
     * One record per the CIFAR-10 binary spec: label byte, then the red, green and blue 32x32 planes.
     * Pixel (y, x) holds red (y*32+x) mod 256, green y, blue 255-x, except the marked pixel (3, 5).
     */
    private static byte[] record(int label, int mark) {
        byte[] r = new byte[RECORD];
        r[0] = (byte) label;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                r[1 + y * 32 + x] = (byte) (y * 32 + x);
                r[1 + 1024 + y * 32 + x] = (byte) y;
                r[1 + 2048 + y * 32 + x] = (byte) (255 - x);
            }
        }
        r[1 + 2048 + 3 * 32 + 5] = (byte) mark;
        return r;
    }

    private static byte[] batch(int... labels) {
        byte[] out = new byte[labels.length * RECORD];
        for (int i = 0; i < labels.length; i++) {
            System.arraycopy(record(labels[i], 100 + i), 0, out, i * RECORD, RECORD);
        }
        return out;
    }

    @Test
    void planarRecordsBecomeNhwcPixels() throws IOException {
        Path file = Files.write(dir.resolve("test_batch.bin"), batch(3, 9));
        Dataset d = DatasetSource.load(file.toString(), DatasetSplit.TEST);
        assertEquals(new ImageShape(32, 32, 3), d.shape());
        assertArrayEquals(new int[] {3, 9}, d.labels());
        assertEquals(Cifar10BinaryLoader.STANDARD_CLASSES, d.classNames());
        // image 0, (y, x) = (0, 0): R 0, G 0, B 255
        assertArrayEquals(new float[] {0, 0, 255}, Arrays.copyOfRange(d.images(), 0, 3));
        // image 0, (y, x) = (2, 7): R 71, G 2, B 248, at NHWC offset (2*32 + 7)*3
        assertArrayEquals(new float[] {71, 2, 248}, Arrays.copyOfRange(d.images(), 213, 216));
        // image 1, (y, x) = (31, 31): R (1023 mod 256) = 255, G 31, B 224
        int last = 2 * 3072 - 3;
        assertArrayEquals(new float[] {255, 31, 224}, Arrays.copyOfRange(d.images(), last, last + 3));
        // the marked blue value of each image
        assertEquals(100f, d.images()[(3 * 32 + 5) * 3 + 2]);
        assertEquals(101f, d.images()[3072 + (3 * 32 + 5) * 3 + 2]);
    }

    @Test
    void folderLayoutReadsFiveTrainBatchesInOrderAndTheMetaNames() throws IOException {
        Path batches = Files.createDirectories(dir.resolve("cifar-10-batches-bin"));
        for (int i = 1; i <= 5; i++) {
            Files.write(batches.resolve("data_batch_" + i + ".bin"), batch(i, 0));
        }
        Files.write(batches.resolve("test_batch.bin"), batch(7));
        Files.writeString(batches.resolve("batches.meta.txt"),
                "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
        Dataset train = DatasetSource.load(dir.toString(), DatasetSplit.TRAIN);
        assertArrayEquals(new int[] {1, 0, 2, 0, 3, 0, 4, 0, 5, 0}, train.labels());
        assertEquals(10, train.numClasses());
        Files.writeString(batches.resolve("batches.meta.txt"), "a\nb\nc\nd\ne\nf\ng\nh\n");
        Dataset test = DatasetSource.load(batches.toString(), DatasetSplit.TEST);
        assertEquals("h", test.classNames().get(test.labels()[0]));

        Files.delete(batches.resolve("data_batch_4.bin"));
        assertEquals(batches + ": expected data_batch_4.bin for split 'train' (train: data_batch_1.bin .. "
                + "data_batch_5.bin, test: test_batch.bin), found none", assertThrows(SmoothcalException.class,
                        () -> DatasetSource.load(dir.toString(), DatasetSplit.TRAIN)).getMessage());
    }

    @Test
    void badBatchesNameFileAndExpectation() throws IOException {
        Path partial = Files.write(dir.resolve("partial.bin"), Arrays.copyOf(batch(1, 2), 2 * RECORD - 1));
        assertEquals(partial + ": expected a whole number of 3073-byte CIFAR-10 records (1 label byte + 3072 pixel "
                + "bytes), found 6145 bytes", error(partial));
        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        assertEquals(empty + ": expected a whole number of 3073-byte CIFAR-10 records (1 label byte + 3072 pixel "
                + "bytes), found 0 bytes", error(empty));
        Path label10 = Files.write(dir.resolve("label10.bin"), batch(0, 10));
        assertEquals(label10 + ": expected labels in [0, 9], found 10 in record 1", error(label10));
    }

    private static String error(Path file) {
        return assertThrows(SmoothcalException.class,
                () -> Cifar10BinaryLoader.load("x", List.of(file), Cifar10BinaryLoader.STANDARD_CLASSES)).getMessage();
    }
}
