package dev.smoothcal.core.data.bench;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an IDX folder of N images, the built-in digits test split (1,797 8x8 images, values 0..16)
 * repeated and cut at N: {@code t10k-images-idx3-ubyte} (16 + 64 N bytes) and {@code t10k-labels-idx1-ubyte}.
 * For streaming benchmarks (10^6 images = 64 MB); the output is generated, never committed.
 *
 * <p>{@code java -cp CLASSPATH dev.smoothcal.core.data.bench.RepeatedDigitsIdx N OUT_DIR}
 */
public final class RepeatedDigitsIdx {
    private RepeatedDigitsIdx() {
    }

    /**
     * Writes the folder.
     *
     * @param args N and the output folder
     * @throws IOException if writing fails
     */
    public static void main(String[] args) throws IOException {
        int n = Integer.parseInt(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        Dataset digits = DatasetSource.load("digits", DatasetSplit.TEST);
        int per = digits.shape().size();
        try (DataOutputStream images = open(out.resolve("t10k-images-idx3-ubyte"));
                DataOutputStream labels = open(out.resolve("t10k-labels-idx1-ubyte"))) {
            images.writeInt(0x00000803);
            images.writeInt(n);
            images.writeInt(8);
            images.writeInt(8);
            labels.writeInt(0x00000801);
            labels.writeInt(n);
            for (int i = 0; i < n; i++) {
                int src = i % digits.size();
                for (int j = 0; j < per; j++) {
                    images.write((int) digits.images()[src * per + j]);
                }
                labels.write(digits.labels()[src]);
            }
        }
        System.out.println("wrote " + n + " images to " + out);
    }

    private static DataOutputStream open(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        return new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
    }
}
