package dev.smoothcal.evaluator.bench;

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
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.evaluation.ModelSource;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Recomputes the metrics of a {@code report.json} written by a streamed {@code evaluate}, from shards of
 * the data each loaded whole into memory as an in-memory {@link Dataset}, one {@link MetricsAccumulator}
 * fed shard after shard, and prints whether every metric is equal (exactly) to the report's.
 *
 * <p>{@code java -cp CLASSPATH dev.smoothcal.evaluator.bench.ShardedRecomputation MODEL DATA SHARDS REPORT_JSON}
 */
public final class ShardedRecomputation {
    private ShardedRecomputation() {
    }

    /**
     * Runs the recomputation.
     *
     * @param args model, data path, shard count, report.json
     * @throws IOException if the report cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path model = ModelSource.onnxFile(Path.of(args[0]));
        BatchSource source = DatasetSource.open(Path.of(args[1]), DatasetSplit.TEST, DataLimits.defaults());
        int shards = Integer.parseInt(args[2]);
        JsonNode report = Json.MAPPER.readTree(Files.readAllBytes(Path.of(args[3])));
        int k = source.classNames().size();
        MetricsConfig config = new MetricsConfig(k, report.get("num_bins").asInt(), List.of(1, 5),
                report.get("bootstrap").get("replicates").asInt(), EvaluationRequest.DEFAULT_SEED);
        MetricsAccumulator acc = new MetricsAccumulator(config);
        long started = System.nanoTime();
        try (ImageClassifier classifier = ImageClassifier.open(model, source.shape(),
                InferenceOptions.DEFAULTS, ExecutionProvider.CPU)) {
            for (int s = 0; s < shards; s++) {
                Shard shard = Shard.of(source.size(), s, shards);
                Dataset part = inMemory(source, shard);
                classifier.predictBatches(part, b -> acc.accept(b.probabilities(),
                        Arrays.copyOfRange(part.labels(), b.from(), b.from() + b.count()), b.count()));
                System.out.printf("shard %d/%d: samples [%d, %d) in memory (%d MB of float32)%n", s + 1, shards,
                        shard.from(), shard.to(), (long) part.images().length * 4 >> 20);
            }
        }
        EvaluationReport mine = EvaluationReport.of(new EvaluationReport.ModelInfo("", "", List.of(), "", "", "", "",
                java.util.Map.of()), new EvaluationReport.DataInfo("", source.size(), "", source.classNames()),
                acc.result(), new EvaluationReport.Throughput(256, 1, 1));
        ObjectNode a = metrics((ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(mine)));
        ObjectNode b = metrics((ObjectNode) report);
        System.out.printf("recomputed in %.1f s; accuracy %s nll %s ece %s%n", (System.nanoTime() - started) / 1e9,
                a.get("accuracy"), a.get("nll"), a.get("ece"));
        System.out.println(a.equals(b) ? "EQUAL: every metric of the streamed report equals the sharded recomputation"
                : "DIFFERENT:\n  report " + b + "\n  shards " + a);
    }

    private static Dataset inMemory(BatchSource source, Shard shard) {
        int per = source.shape().size();
        float[] pixels = new float[shard.size() * per];
        int[] labels = new int[shard.size()];
        source.read(shard, 4096, batch -> {
            System.arraycopy(batch.pixels(), 0, pixels, (batch.from() - shard.from()) * per, batch.pixels().length);
            System.arraycopy(batch.labels(), 0, labels, batch.from() - shard.from(), batch.count());
        });
        return new Dataset(source.name() + "[" + shard.from() + "," + shard.to() + ")", pixels, labels,
                source.shape(), source.classNames());
    }

    private static ObjectNode metrics(ObjectNode report) {
        ObjectNode copy = report.deepCopy();
        copy.remove(List.of("format", "model", "data", "throughput", "gate", "temperature"));
        return copy;
    }
}
