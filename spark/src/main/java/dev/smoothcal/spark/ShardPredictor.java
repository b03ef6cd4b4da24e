package dev.smoothcal.spark;

import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.Shard;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The predictions of one chunk of a {@link SparkFiles} split ({@code [from, to)}, whole batches): one row per
 * sample with its index, label, arg-max, confidence and probabilities, the probabilities exactly those of
 * the single-JVM evaluation (the same batches). A partition holds several chunks, so only one chunk's rows
 * are in memory at a time.
 */
final class ShardPredictor implements FlatMapFunction<int[], Row> {
    private static final long serialVersionUID = 1L;

    private final FileSpec files;
    private final Broadcast<byte[]> model;
    private final InferenceSpec spec;

    ShardPredictor(FileSpec files, Broadcast<byte[]> model, InferenceSpec spec) {
        this.files = files;
        this.model = model;
        this.spec = spec;
    }

    @Override
    public Iterator<Row> call(int[] chunk) {
        ImageClassifier classifier = ExecutorClassifiers.classifier(spec, model::value);
        BatchSource source = ExecutorSources.source(files);
        List<Row> rows = new ArrayList<>(chunk[1] - chunk[0]);
        classifier.predict(source, new Shard(chunk[0], chunk[1]), (input, b) -> {
            int k = b.numClasses();
            float[] p = b.probabilities();
            for (int r = 0; r < b.count(); r++) {
                float[] row = Arrays.copyOfRange(p, r * k, (r + 1) * k);
                int best = 0;
                for (int j = 1; j < k; j++) {
                    if (row[j] > row[best]) {
                        best = j;
                    }
                }
                rows.add(RowFactory.create((long) b.from() + r, input.labels()[r], best, row[best], row));
            }
        });
        return rows.iterator();
    }
}
