package dev.smoothcal.core.metrics.bench;

import dev.smoothcal.core.metrics.MetricsAccumulator;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.core.metrics.MetricsResult;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jol.info.GraphLayout;

/**
 * Seconds to push 10 million 10-class predictions through every metric on one thread, in batches of
 * 1000 (as they come from inference), with the bootstrap off and at its default 200 replicates.
 *
 * <p>The batches cycle through a pool of 100,000 seeded predictions; every sample still gets its own
 * global index, so bootstrap weights differ. At the end of a trial the retained size (JOL) of an
 * accumulator after 1e5 samples and after 1e7 samples is printed: it must be the same.
 *
 * <p>{@code input} says what the accumulator is given: probabilities ({@code accept}) or the logits they
 * came from ({@code acceptLogits}, which adds a softmax, that is K exponentials, per row).
 *
 * <p>Run: {@code ./mvnw -B -o -pl core -am -Pbench -DskipTests verify}, one setting with e.g.
 * {@code -Djmh.args="-f 1 -wi 1 -i 3 -p bootstrapReplicates=0 -p input=probabilities"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-Djol.magicFieldOffset=true"})
public class MetricsAccumulatorBenchmark {
    private static final int CLASSES = 10;
    private static final int BATCH = 1000;
    private static final int POOL_BATCHES = 100;
    private static final long SAMPLES = 10_000_000L;

    @Param({"0", "200"})
    public int bootstrapReplicates;

    @Param({"probabilities", "logits"})
    public String input;

    private MetricsConfig config;
    private float[][] probabilities;
    private float[][] logits;
    private int[][] labels;
    private MetricsAccumulator last;

    @Setup
    public void createPredictions() {
        config = MetricsConfig.of(CLASSES).withBootstrap(bootstrapReplicates, 1);
        Random random = new Random(7);
        probabilities = new float[POOL_BATCHES][BATCH * CLASSES];
        logits = new float[POOL_BATCHES][BATCH * CLASSES];
        labels = new int[POOL_BATCHES][BATCH];
        double[] p = new double[CLASSES];
        for (int b = 0; b < POOL_BATCHES; b++) {
            for (int i = 0; i < BATCH; i++) {
                double scale = 0.5 + 4 * random.nextDouble();
                double sum = 0;
                for (int k = 0; k < CLASSES; k++) {
                    double z = scale * random.nextGaussian();
                    logits[b][i * CLASSES + k] = (float) z;
                    p[k] = Math.exp(z);
                    sum += p[k];
                }
                for (int k = 0; k < CLASSES; k++) {
                    probabilities[b][i * CLASSES + k] = (float) (p[k] / sum);
                }
                labels[b][i] = random.nextInt(CLASSES);
            }
        }
    }

    private MetricsAccumulator feed(long samples) {
        MetricsAccumulator accumulator = new MetricsAccumulator(config);
        for (long batch = 0; batch < samples / BATCH; batch++) {
            int pool = (int) (batch % POOL_BATCHES);
            if (input.equals("logits")) {
                accumulator.acceptLogits(logits[pool], labels[pool], BATCH);
            } else {
                accumulator.accept(probabilities[pool], labels[pool], BATCH);
            }
        }
        return accumulator;
    }

    /** One operation = 10 million predictions through all metrics, then the result. */
    @Benchmark
    public MetricsResult tenMillionPredictions() {
        last = feed(SAMPLES);
        return last.result();
    }

    @TearDown
    public void reportRetainedSize() {
        long small = GraphLayout.parseInstance(feed(100_000)).totalSize();
        long large = GraphLayout.parseInstance(last).totalSize();
        System.out.printf("%nretained bytes (bootstrap %d): after 1e5 samples %d, after %d samples %d%n",
                bootstrapReplicates, small, last.count(), large);
        if (small != large) {
            throw new IllegalStateException("retained size grows with the sample count: " + small + " vs " + large);
        }
    }
}
