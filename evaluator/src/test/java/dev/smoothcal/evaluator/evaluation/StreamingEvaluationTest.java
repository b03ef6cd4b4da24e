package dev.smoothcal.evaluator.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.DataLimits;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.Shard;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.metrics.MetricsAccumulator;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.testing.LinearClassifier;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streamed evaluation ({@link DatasetSource#open}) gives exactly the report of the in-memory path
 * ({@link DatasetSource#load}) on every dataset the project has (IDX, image folders, the CIFAR-10 JPEG
 * tarball and the folder of both tarballs stream; the rest are read from memory) and the same fingerprint, and a sharded in-memory recomputation
 * (one accumulator per shard, combined in order) gives exactly the streamed metrics.
 */
class StreamingEvaluationTest {
    private static final Path SHARED = Path.of("../../shared/data");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"idx-written-here", "image-folder-written-here", "digits", "mnist", "fashion-mnist",
            "kmnist-test", "cifar10-jpeg/cifar10-test-jpg.tar.gz", "cifar10-jpeg"})
    void streamedEqualsInMemoryAndShardedRecomputation(String which) throws IOException {
        Path path = switch (which) {
            case "idx-written-here" -> idx(tmp.resolve("idx"), 2_345);
            case "image-folder-written-here" -> imageFolder(tmp.resolve("images"), 333);
            case "digits" -> null;
            default -> SHARED.resolve(which);
        };
        assumeTrue(path == null || Files.exists(path), () -> "shared dataset not found at " + path + "; skipping");
        Dataset loaded = path == null ? DatasetSource.load("digits", DatasetSplit.TEST)
                : DatasetSource.load(path, DatasetSplit.TEST);
        BatchSource streamed = path == null ? DatasetSource.open("digits", DatasetSplit.TEST)
                : DatasetSource.open(path, DatasetSplit.TEST, DataLimits.defaults());
        assertEquals(loaded.fingerprint(), streamed.fingerprint(), "the fingerprint of a pass over the stream");
        int k = loaded.numClasses();
        LinearClassifier linear = new LinearClassifier(loaded.shape().size(), k, 11, 0.01);
        Path model = linear.writeLogitsModel(tmp.resolve("linear.onnx"), Map.of());
        InferenceOptions options = InferenceOptions.DEFAULTS.withBatchSize(100);

        EvaluationReport inMemory = Evaluation.run(EvaluationRequest.of(model, loaded).withInference(options)
                .withProvider(ExecutionProvider.CPU).withBootstrapReplicates(20));
        EvaluationReport stream = Evaluation.run(EvaluationRequest.of(model, streamed).withInference(options)
                .withProvider(ExecutionProvider.CPU).withBootstrapReplicates(20));
        assertEquals(numbers(inMemory), numbers(stream));
        assertEquals(loaded.fingerprint(), stream.data().fingerprint());
        // the clock starts after the first batch of 100 (one-time costs); the rate counts only what it timed
        assertEquals(100, stream.throughput().warmupImages());
        assertEquals((loaded.size() - 100) / stream.throughput().seconds(), stream.throughput().imagesPerSecond(),
                1e-9 * stream.throughput().imagesPerSecond());

        MetricsConfig config = new MetricsConfig(k, MetricsConfig.DEFAULT_BINS, List.of(1, 5), 20,
                EvaluationRequest.DEFAULT_SEED);
        // shards loaded into memory one at a time: one accumulator fed in order (exact), and one accumulator per
        // shard combined in order (sums of shard sums: equal to rounding, 1e-12 relative)
        MetricsAccumulator sequential = new MetricsAccumulator(config);
        MetricsAccumulator combined = null;
        try (ImageClassifier classifier = ImageClassifier.open(model, loaded.shape(), options, ExecutionProvider.CPU)) {
            for (int s = 0; s < 3; s++) {
                Shard shard = Shard.of(loaded.size(), s, 3);
                Dataset part = loaded.slice(shard.from(), shard.to());
                MetricsAccumulator acc = new MetricsAccumulator(config, shard.from());
                classifier.predictBatches(part, b -> {
                    int[] labels = java.util.Arrays.copyOfRange(part.labels(), b.from(), b.from() + b.count());
                    acc.accept(b.probabilities(), labels, b.count());
                    sequential.accept(b.probabilities(), labels, b.count());
                });
                combined = combined == null ? acc : combined.combine(acc);
            }
        }
        assertEquals(numbers(stream), numbers(EvaluationReport.of(stream.model(), stream.data(), sequential.result(),
                stream.throughput())));
        assertClose(numbers(stream), numbers(EvaluationReport.of(stream.model(), stream.data(), combined.result(),
                stream.throughput())), "");
    }

    /** Equal JSON, numbers within 1e-12 relative (sums combined in another order round differently). */
    private static void assertClose(JsonNode expected, JsonNode actual, String path) {
        if (expected.isNumber() && actual.isNumber()) {
            double e = expected.asDouble();
            double a = actual.asDouble();
            assertEquals(e, a, 1e-12 * Math.max(1, Math.abs(e)), path);
            return;
        }
        assertEquals(expected.size(), actual.size(), path);
        if (expected.isObject()) {
            expected.fieldNames().forEachRemaining(f -> assertClose(expected.get(f), actual.get(f), path + "/" + f));
        } else if (expected.isArray()) {
            for (int i = 0; i < expected.size(); i++) {
                assertClose(expected.get(i), actual.get(i), path + "/" + i);
            }
        } else {
            assertEquals(expected, actual, path);
        }
    }

    /** The report as JSON without what depends on the machine or the clock. */
    private static JsonNode numbers(EvaluationReport r) {
        ObjectNode node = Json.MAPPER.valueToTree(r);
        node.remove("throughput");
        ((ObjectNode) node.get("data")).remove("name");
        return node;
    }

    /** {@code n} 6x4 PNGs of pseudo-random pixels in four class folders, every seventh in colour (so all RGB). */
    private static Path imageFolder(Path dir, int n) throws IOException {
        java.util.Random rng = new java.util.Random(5);
        for (int i = 0; i < n; i++) {
            boolean colour = i % 7 == 0;
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(6, 4, colour
                    ? java.awt.image.BufferedImage.TYPE_INT_RGB : java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    if (colour) {
                        img.setRGB(x, y, rng.nextInt(1 << 24));
                    } else {
                        img.getRaster().setSample(x, y, 0, rng.nextInt(256));
                    }
                }
            }
            Path file = dir.resolve("c" + rng.nextInt(4)).resolve(String.format("%04d.png", i));
            Files.createDirectories(file.getParent());
            javax.imageio.ImageIO.write(img, "png", file.toFile());
        }
        return dir;
    }

    /** An IDX pair of {@code n} 7x5 images of pseudo-random bytes, labels 0..3. */
    private static Path idx(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        java.util.Random rng = new java.util.Random(4);
        byte[] pixels = new byte[n * 35];
        rng.nextBytes(pixels);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) rng.nextInt(4);
        }
        write(dir.resolve("t10k-images-idx3-ubyte.gz"), ByteBuffer.allocate(16).putInt(0x803).putInt(n).putInt(7)
                .putInt(5).array(), pixels);
        write(dir.resolve("t10k-labels-idx1-ubyte.gz"), ByteBuffer.allocate(8).putInt(0x801).putInt(n).array(), labels);
        Files.writeString(dir.resolve("classes.txt"), "a\nb\nc\nd\n");
        return dir;
    }

    private static void write(Path file, byte[] header, byte[] data) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(header);
            out.write(data);
        }
    }
}
