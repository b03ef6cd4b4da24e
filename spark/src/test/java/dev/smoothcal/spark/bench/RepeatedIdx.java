package dev.smoothcal.spark.bench;

import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes an IDX folder of N images: the test split of an IDX folder (for the scaling benchmark, Fashion-MNIST's
 * 10,000 images) repeated and cut at N, uncompressed ({@code t10k-images-idx3-ubyte}, 16 + H*W*N bytes, and
 * {@code t10k-labels-idx1-ubyte}), with a {@code classes.txt} of the source's class names (a repeated label
 * file is no longer recognised as Fashion-MNIST's by its digest). Image i is source image {@code i mod 10,000},
 * so the evaluation of N = c * 10,000 images has exactly c times the source's counts. Generated for a run,
 * never committed (10^6 Fashion-MNIST images are 784 MB).
 *
 * <p>{@code java -cp CLASSPATH dev.smoothcal.spark.bench.RepeatedIdx SOURCE_DIR N OUT_DIR}
 */
public final class RepeatedIdx {
    private RepeatedIdx() {
    }

    /**
     * Writes the folder.
     *
     * @param args the source IDX folder, N and the output folder
     * @throws IOException if writing fails
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("expected SOURCE_DIR N OUT_DIR, found " + args.length + " arguments");
        }
        BatchSource source = DatasetSource.open(Path.of(args[0]), DatasetSplit.TEST,
                dev.smoothcal.core.data.LoadOptions.defaults());
        int n = Integer.parseInt(args[1]);
        Path out = Files.createDirectories(Path.of(args[2]));
        float[] pixels = source.toDataset().images();
        int[] y = source.labels();
        int per = source.shape().size();
        byte[] image = new byte[per];
        try (DataOutputStream images = open(out.resolve("t10k-images-idx3-ubyte"));
                DataOutputStream labels = open(out.resolve("t10k-labels-idx1-ubyte"))) {
            images.writeInt(0x00000803);
            images.writeInt(n);
            images.writeInt(source.shape().height());
            images.writeInt(source.shape().width());
            labels.writeInt(0x00000801);
            labels.writeInt(n);
            for (int i = 0; i < n; i++) {
                int src = i % source.size();
                for (int j = 0; j < per; j++) {
                    image[j] = (byte) pixels[src * per + j];
                }
                images.write(image);
                labels.write(y[src]);
            }
        }
        Files.write(out.resolve("classes.txt"), source.classNames());
        System.out.println("wrote " + n + " images of " + source.shape() + " (" + source.name() + " repeated) to " + out);
    }

    private static DataOutputStream open(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        return new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
    }
}
