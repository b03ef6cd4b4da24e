package dev.smoothcal.spark;

import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.Shard;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.evaluator.calibration.Calibrator;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Evaluates the shards of one partition of a {@link SparkFiles} split: opens the split in this JVM (once,
 * {@link ExecutorSources}), streams each shard {@code [from, to)} through this JVM's shared classifier and
 * feeds an accumulator started at {@code from}. Shards start at multiples of the batch size, so each batch
 * is the very batch the single-JVM evaluation runs.
 */
final class ShardEvaluator implements FlatMapFunction<Iterator<int[]>, Segment> {
    private static final long serialVersionUID = 1L;

    private final FileSpec files;
    private final Broadcast<byte[]> model;
    private final InferenceSpec spec;
    private final MetricsConfig config;
    /** The fitted temperature, or NaN for none. */
    private final double temperature;
    /** The fitted calibrators, in the request's order. */
    private final List<Calibrator> calibrators;

    ShardEvaluator(FileSpec files, Broadcast<byte[]> model, InferenceSpec spec, MetricsConfig config,
            double temperature, List<Calibrator> calibrators) {
        this.files = files;
        this.model = model;
        this.spec = spec;
        this.config = config;
        this.temperature = temperature;
        this.calibrators = calibrators;
    }

    @Override
    public Iterator<Segment> call(Iterator<int[]> shards) {
        ImageClassifier classifier = ExecutorClassifiers.classifier(spec, model::value);
        BatchSource source = ExecutorSources.source(files);
        List<Segment> segments = new ArrayList<>();
        while (shards.hasNext()) {
            int[] shard = shards.next();
            Segment segment = Segment.start(config, shard[0], temperature, calibrators);
            classifier.predict(source, new Shard(shard[0], shard[1]), (input, b) -> segment.accept(b, input.labels(),
                    classifier.outputKind(), temperature, calibrators));
            segments.add(segment);
        }
        return segments.iterator();
    }
}
