package dev.smoothcal.spark;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;

/** Models, data and a Spark session for the tests. */
final class TestModels {
    /** The Fashion-MNIST files, reached from the module directory: the checkout sits beside shared/. */
    static final Path FASHION = Path.of("../../shared/data/fashion-mnist");

    private TestModels() {
    }

    /**
     * A flat-input MLP {@code inputs -> hidden (ReLU) -> classes} with seeded Gaussian weights of scale
     * {@code gain / sqrt(fan_in)}, output named {@code logits}.
     */
    static Path mlp(Path file, int inputs, int hidden, int classes, long seed, double gain) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] w1 = gaussian(rng, inputs * hidden, gain / Math.sqrt(inputs));
        float[] b1 = gaussian(rng, hidden, 0.1);
        float[] w2 = gaussian(rng, hidden * classes, gain / Math.sqrt(hidden));
        float[] b2 = gaussian(rng, classes, 0.1);
        OnnxModels.write(new OnnxGraphBuilder("mlp")
                .input("x", Dim.BATCH, Dim.of(inputs))
                .output("logits", Dim.BATCH, Dim.of(classes))
                .initializer("w1", w1, inputs, hidden)
                .initializer("b1", b1, hidden)
                .initializer("w2", w2, hidden, classes)
                .initializer("b2", b2, classes)
                .node("Gemm", List.of("x", "w1", "b1"), "h")
                .node("Relu", List.of("h"), "r")
                .node("Gemm", List.of("r", "w2", "b2"), "logits")
                .build(ModelMetadata.of(Map.of("smoothcal.test", "mlp"))), file);
        return file;
    }

    private static float[] gaussian(SplittableRandom rng, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * scale);
        }
        return v;
    }

    /** The Fashion-MNIST test split, or a visible skip when shared/data is not beside the checkout. */
    static Dataset fashionTest() {
        Assumptions.assumeTrue(Files.isDirectory(FASHION), "no Fashion-MNIST at " + FASHION.toAbsolutePath()
                + " (expected the checkout beside shared/data); skipping");
        return DatasetSource.load(FASHION.toString(), DatasetSplit.TEST);
    }

    /** A local session with {@code threads} task threads, bound to 127.0.0.1, no UI. */
    static SparkSession local(int threads) {
        return SparkSession.builder().master("local[" + threads + "]").appName("smoothcal-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }
}
