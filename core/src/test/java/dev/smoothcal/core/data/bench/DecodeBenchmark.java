package dev.smoothcal.core.data.bench;

import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.DataLimits;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Seconds to read the CIFAR-10 JPEG test tarball (10,000 32x32 JPEGs, read in place from the .tar.gz) and
 * decode it: into memory ({@code load}, as training reads it) and as a stream of batches of 256
 * ({@code stream}: open, which lists the archive and reads the image headers, then one read, as evaluation
 * reads it; {@code read}: the read alone, from a source opened once, which is the decoding throughput). At the end of the trial each prints images/s over its measurement iterations only (warm-up
 * excluded; the same as 10,000 / JMH's mean score). Skips (prints a note) when {@code ../shared/data} is
 * not beside the checkout.
 *
 * <p>Run (after building core's test classes): {@code cd core && java -cp
 * target/classes:target/test-classes:DEPS org.openjdk.jmh.Main -f 1 -wi 2 -i 5 DecodeBenchmark}, DEPS being
 * core's classpath ({@code ./mvnw -pl core dependency:build-classpath}); or
 * {@code ./mvnw -B -pl core -am -Pbench -DskipTests verify -Djmh.args="-f 1 -wi 2 -i 5 DecodeBenchmark"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class DecodeBenchmark {
    /** The archive to read, relative to the module folder. */
    @Param({"../../shared/data/cifar10-jpeg/cifar10-test-jpg.tar.gz"})
    public String archive;

    private long images;
    private long nanos;
    private long iterationStart;
    private int iterationImages;
    private String what = "";
    private BatchSource opened;

    /** Checks the archive is there, and opens it for {@link #read()}. */
    @Setup
    public void check() {
        if (!Files.exists(Path.of(archive))) {
            System.out.println("note: " + archive + " not found; the benchmark measures nothing");
            return;
        }
        opened = DatasetSource.open(Path.of(archive), DatasetSplit.TEST, DataLimits.defaults());
    }

    /** Starts the clock of one iteration. */
    @Setup(Level.Iteration)
    public void startIteration() {
        iterationImages = 0;
        iterationStart = System.nanoTime();
    }

    /**
     * Counts a measurement iteration (not a warm-up one).
     *
     * @param params which kind of iteration this was
     */
    @TearDown(Level.Iteration)
    public void endIteration(IterationParams params) {
        long spent = System.nanoTime() - iterationStart;
        if (params.getType() == IterationType.MEASUREMENT) {
            images += iterationImages;
            nanos += spent;
        }
    }

    /**
     * Loads the test split into memory.
     *
     * @return the images loaded (kept from dead-code elimination)
     */
    @Benchmark
    public int load() {
        what = "loaded into memory";
        if (!Files.exists(Path.of(archive))) {
            return 0;
        }
        Dataset d = DatasetSource.load(Path.of(archive), DatasetSplit.TEST);
        iterationImages += d.size();
        return d.size();
    }

    /**
     * Opens the test split as a stream and reads it once in batches of 256.
     *
     * @return a checksum of the pixels (kept from dead-code elimination)
     */
    @Benchmark
    public double stream() {
        what = "streamed in batches of 256";
        if (!Files.exists(Path.of(archive))) {
            return 0;
        }
        BatchSource source = DatasetSource.open(Path.of(archive), DatasetSplit.TEST, DataLimits.defaults());
        double[] sum = {0};
        source.read(256, b -> sum[0] += b.pixels()[b.pixels().length - 1]);
        iterationImages += source.size();
        return sum[0];
    }

    /**
     * Reads the test split, opened once beforehand, in batches of 256: the decoding alone (inflating the
     * archive, decoding, laying out float32 batches).
     *
     * @return a checksum of the pixels (kept from dead-code elimination)
     */
    @Benchmark
    public double read() {
        what = "read from an opened stream in batches of 256";
        if (opened == null) {
            return 0;
        }
        double[] sum = {0};
        opened.read(256, b -> sum[0] += b.pixels()[b.pixels().length - 1]);
        iterationImages += opened.size();
        return sum[0];
    }

    /** Prints the throughput of the measurement iterations. */
    @TearDown
    public void report() {
        if (images > 0) {
            System.out.printf(Locale.ROOT, "%n%d images %s in %.2f s (measurement iterations): %.0f images/s read "
                    + "and decoded on %d processors%n", images, what, nanos / 1e9, images / (nanos / 1e9),
                    Runtime.getRuntime().availableProcessors());
        }
    }
}
