package dev.smoothcal.core.data.bench;

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
 * Seconds to load the CIFAR-10 JPEG test tarball (10,000 32x32 JPEGs, read in place from the .tar.gz
 * and decoded on the loader's pool), and the images/s that makes, printed at the end of the trial. Skips
 * (prints a note) when {@code ../shared/data} is not beside the checkout.
 *
 * <p>Run: {@code ./mvnw -B -pl core -am -Pbench -DskipTests verify -Djmh.args="-f 1 -wi 1 -i 3 DecodeBenchmark"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class DecodeBenchmark {
    /** The archive to load, relative to the module folder. */
    @Param({"../../shared/data/cifar10-jpeg/cifar10-test-jpg.tar.gz"})
    public String archive;

    private long images;
    private long nanos;

    /** Checks the archive is there. */
    @Setup
    public void check() {
        if (!Files.exists(Path.of(archive))) {
            System.out.println("note: " + archive + " not found; the benchmark measures nothing");
        }
    }

    /**
     * Loads the test split.
     *
     * @return the images loaded (kept from dead-code elimination)
     */
    @Benchmark
    public int loadAndDecode() {
        if (!Files.exists(Path.of(archive))) {
            return 0;
        }
        long start = System.nanoTime();
        Dataset d = DatasetSource.load(Path.of(archive), DatasetSplit.TEST);
        nanos += System.nanoTime() - start;
        images += d.size();
        return d.size();
    }

    /** Prints the throughput of the trial. */
    @TearDown
    public void report() {
        if (images > 0) {
            System.out.printf(Locale.ROOT, "%n%d images in %.2f s: %.0f images/s read and decoded on %d processors%n",
                    images, nanos / 1e9, images / (nanos / 1e9), Runtime.getRuntime().availableProcessors());
        }
    }
}
