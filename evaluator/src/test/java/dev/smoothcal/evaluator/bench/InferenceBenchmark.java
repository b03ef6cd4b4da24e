package dev.smoothcal.evaluator.bench;

import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.Fingerprint;
import dev.smoothcal.core.data.Shard;
import dev.smoothcal.core.metrics.MetricsAccumulator;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.evaluator.evaluation.ModelSource;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.inference.Spinning;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Images per second of {@code evaluate}'s loop on the CPU provider: the test split streamed from its files,
 * run through ONNX Runtime in batches, each batch's pixels fingerprinted and its probabilities put into a
 * {@link MetricsAccumulator} (bootstrap off), as {@code Evaluation.run} does. The session is opened once per
 * trial, so this is the steady state; {@code evaluate}'s printed figure comes from a fresh JVM and is timed
 * after its first batch.
 *
 * <p>The {@code images} counter is the figure (images/s); one operation is one pass over the split.
 *
 * <p>Run: {@code ./mvnw -B -o -pl evaluator -am -Pinference-bench -DskipTests verify
 * -Djmh.args="-f 1 -wi 2 -i 5 -p model=RUN_DIR/model.onnx -p data=../shared/data/fashion-mnist"} (paths
 * relative to {@code evaluator/}, where the benchmark runs; add {@code -p spinning=off} for one setting).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class InferenceBenchmark {
    /** The model: an {@code .onnx} file or a run directory. */
    @Param({""})
    public String model;

    /** The dataset (its test split is read): a path or a built-in name. */
    @Param({"digits"})
    public String data;

    /** Images per ONNX Runtime call. */
    @Param({"256"})
    public int batchSize;

    /** Whether ONNX Runtime's threads spin between operators. */
    @Param({"off", "on"})
    public String spinning;

    private BatchSource source;
    private ImageClassifier classifier;

    /** Images scored, as a rate: the benchmark's figure. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Images {
        /** Images scored in the iteration; JMH reports it per second. */
        public long images;
    }

    /** Opens the split and the session. */
    @Setup(Level.Trial)
    public void open() {
        if (model.isEmpty()) {
            throw new IllegalStateException("InferenceBenchmark needs the model to run: pass -p model=PATH "
                    + "(an .onnx file or a run directory) and -p data=PATH in -Djmh.args");
        }
        source = DatasetSource.open(data, DatasetSplit.TEST);
        InferenceOptions options = InferenceOptions.DEFAULTS.withBatchSize(batchSize)
                .withSpinning(Spinning.valueOf(spinning.toUpperCase(Locale.ROOT)));
        classifier = ImageClassifier.open(ModelSource.onnxFile(Path.of(model)), source.shape(), options,
                ExecutionProvider.CPU);
    }

    /** Closes the session. */
    @TearDown(Level.Trial)
    public void close() {
        classifier.close();
    }

    /**
     * One pass over the split.
     *
     * @param counter adds the images scored
     * @return the accuracy, so nothing is optimised away
     */
    @Benchmark
    public double evaluateLoop(Images counter) {
        int k = classifier.numClasses();
        MetricsAccumulator metrics = new MetricsAccumulator(new MetricsConfig(k, 15, List.of(1, 5), 0, 0));
        Fingerprint fingerprint = Fingerprint.start(source.shape(), source.classNames(), source.labels());
        classifier.predict(source, Shard.all(source.size()), (input, batch) -> {
            fingerprint.accept(input.pixels(), 0, input.pixels().length);
            metrics.accept(batch.probabilities(), input.labels(), batch.count());
        });
        counter.images += source.size();
        return metrics.result().accuracy() + fingerprint.result().length();
    }
}
