package dev.smoothcal.it;

import static dev.smoothcal.it.CliAssertions.assertSucceeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;

/**
 * {@code smoothcal evaluate --master spark://127.0.0.1:PORT} on a real standalone cluster: a master and two
 * one-core workers in containers of the smoothcal-spark image (host networking), the driver in a third. Its
 * report.json holds the numbers of plain {@code evaluate} in the same image (counts exactly, sums within
 * 1e-12 relative, bootstrap identical; with a temperature fitted on the cluster), also when a worker's
 * container is killed while its tasks run.
 *
 * <p>The tests share one cluster; the kill test runs last, as it leaves one worker.
 */
@ExtendWith(SmoothcalSparkImage.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkClusterIT {

    /** Size of the UCI digits test split (optdigits.tes). */
    private static final int DIGITS_TEST_SIZE = 1797;
    /** The digits test split this many times over for the kill test: a job of many tasks that lasts. */
    private static final int REPEATS = 30;
    private static final int KILL_PARTITIONS = 48;
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);
    /** Executor log lines (Spark's INFO): task P.A in stage S = partition P, attempt A. */
    private static final Pattern RUNNING = Pattern.compile("Running task (\\d+)\\.(\\d+) in stage (\\S+) ");
    private static final Pattern FINISHED = Pattern.compile("Finished task (\\d+)\\.(\\d+) in stage (\\S+) ");

    @TempDir
    static Path tmp;

    /** Model and data, mounted read-only at /data/in. */
    private static Path in;
    /** Mounted at /data/out. */
    private static Path out;
    private static SparkCluster cluster;

    @BeforeAll
    static void startCluster() throws IOException {
        in = HostFolders.writableByContainer(tmp, "in");
        out = HostFolders.writableByContainer(tmp, "out");
        writeDigitsMlp(in.resolve("model.onnx"));
        writeRepeatedDigits(in.resolve("digits-x" + REPEATS + ".csv"), REPEATS);
        cluster = SparkCluster.start(SmoothcalImages.SPARK, 2, in, "/data/in");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        if (out != null) {
            HostFolders.releaseToHost(SmoothcalImages.SPARK, out);
        }
    }

    @Test
    @Order(1)
    void clusterEvaluationOfDigitsHasTheNumbersOfTheSingleJvm() throws IOException {
        // with the temperature fitted on the training split: on the cluster, over its partitions' cached logits
        assertSucceeded(evaluate("jvm-digits", "digits", "--calibrate-on", "train"));
        CliResult spark = evaluate("cluster-digits", "digits", "--calibrate-on", "train", "--master", cluster.url(),
                "--partitions", "5");
        assertSucceeded(spark);
        double largest = SameReport.assertSameNumbers(out.resolve("jvm-digits/report.json"),
                out.resolve("cluster-digits/report.json"));
        System.out.printf("[it-tests] digits on the cluster: same numbers, largest relative difference %.2e%n",
                largest);
        JsonNode report = new ObjectMapper().readTree(out.resolve("cluster-digits/report.json").toFile());
        assertEquals(DIGITS_TEST_SIZE, report.path("data").path("size").asInt(), "data.size");
        assertEquals(3823, report.path("temperature").path("fit_samples").asInt(), "temperature.fit_samples");
    }

    @Test
    @Order(2)
    void workerKilledWhileItsTasksRunLosesNoNumber() throws Exception {
        String data = "/data/in/digits-x" + REPEATS + ".csv";
        assertSucceeded(evaluate("jvm-repeated", data));
        // The kill lands while worker 0 runs a task, unless that task finishes between the last look at its
        // log and the kill: then nothing is lost and nothing retried. Worker 1's log says which happened (a
        // task attempt after the first); in that case the scenario runs once more on a fresh cluster (about a
        // minute, only then).
        for (int attempt = 1;; attempt++) {
            String name = "cluster-repeated-" + attempt;
            Set<String> lost = killWorkerMidJob(name, data);
            double largest = SameReport.assertSameNumbers(out.resolve("jvm-repeated/report.json"),
                    out.resolve(name + "/report.json"));
            if (!lost.isEmpty()) {
                System.out.printf("[it-tests] %d digits on the cluster, worker 0 killed mid-job, task(s) %s lost and "
                        + "retried on worker 1: same numbers, largest relative difference %.2e%n",
                        REPEATS * DIGITS_TEST_SIZE, lost, largest);
                return;
            }
            if (attempt == 2) {
                fail("the kill of worker 0 lost no task in " + attempt + " tries (each time its task finished "
                        + "first); the numbers were the same (largest relative difference " + largest + ")");
            }
            System.out.println("[it-tests] worker 0's task finished just before the kill: no task lost (numbers the "
                    + "same); once more on a fresh cluster");
            cluster.close();
            cluster = SparkCluster.start(SmoothcalImages.SPARK, 2, in, "/data/in");
        }
    }

    /**
     * Submits the evaluation of {@code data} into /data/out/{@code name}, kills worker 0 while its executor
     * runs a task, and waits for the job. Returns the tasks worker 1 ran again after the loss ("P in stage
     * S": a later attempt than the first, which only a lost or failed attempt causes); empty when none was.
     */
    private static Set<String> killWorkerMidJob(String name, String data) throws Exception {
        long started = System.nanoTime();
        CompletableFuture<CliResult> job = CompletableFuture.supplyAsync(() -> evaluate(name, data,
                "--master", cluster.url(), "--partitions", String.valueOf(KILL_PARTITIONS)));
        Set<String> inFlight = awaitTasksInFlight(0, job);
        cluster.killWorker(0);
        System.out.printf("[it-tests] killed worker 0 %.1f s after submitting, while it ran task(s) %s%n",
                (System.nanoTime() - started) / 1e9, inFlight);

        CliResult spark = job.get(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertSucceeded(spark);
        assertTrue(spark.stderr().contains("Lost executor"),
                () -> "the driver should report the killed worker's executor lost; " + spark.describe());
        // Task "P.A in stage S": partition P, attempt A. A task the kill took ran again, as a later attempt, on
        // worker 1 (the driver logs the loss of each task at info only, below the CLI's warn level).
        Set<String> lost = new HashSet<>();
        Matcher m = RUNNING.matcher(cluster.executorLogs(1));
        while (m.find()) {
            if (!m.group(2).equals("0")) {
                lost.add(m.group(1) + " in stage " + m.group(3));
            }
        }
        return lost;
    }

    /**
     * Waits until worker {@code worker}'s executor has finished a task and is running others (no "Finished"
     * line yet); returns those tasks as "P in stage S". Fails when the job ends first.
     */
    private static Set<String> awaitTasksInFlight(int worker, CompletableFuture<CliResult> job) {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (job.isDone()) {
                fail("the job ended before a task ran on worker " + worker + " after another had finished there; "
                        + "make it longer (REPEATS, KILL_PARTITIONS): " + job.join().describe());
            }
            String log = cluster.executorLogs(worker);
            Set<String> finished = tasks(FINISHED, log);
            if (!finished.isEmpty()) {
                Set<String> running = tasks(RUNNING, log);
                running.removeAll(finished);
                if (!running.isEmpty()) {
                    return running;
                }
            }
            SparkCluster.sleep(100);
        }
        throw new AssertionError("no task ran on worker " + worker + " within " + JOB_TIMEOUT);
    }

    /** The tasks a log line pattern names, as "P in stage S" (attempt 0 only: the first run of each). */
    private static Set<String> tasks(Pattern p, String log) {
        Set<String> found = new HashSet<>();
        Matcher m = p.matcher(log);
        while (m.find()) {
            if (m.group(2).equals("0")) {
                found.add(m.group(1) + " in stage " + m.group(3));
            }
        }
        return found;
    }

    /** {@code evaluate} of the model on {@code data} into /data/out/{@code name}, in the Spark image. */
    private static CliResult evaluate(String name, String data, String... more) {
        List<String> args = new ArrayList<>(List.of("evaluate", "--model", "/data/in/model.onnx", "--data", data,
                "--split", "test", "--provider", "cpu", "--out", "/data/out/" + name));
        args.addAll(List.of(more));
        return SmoothcalCli.in(SmoothcalImages.SPARK).hostNetwork()
                .bind(in, "/data/in", BindMode.READ_ONLY)
                .bind(out, "/data/out", BindMode.READ_WRITE)
                .timeout(JOB_TIMEOUT)
                .run(args.toArray(String[]::new));
    }

    /** A 64-32-10 MLP with seeded Gaussian weights: the numbers, not the accuracy, are under test. */
    private static void writeDigitsMlp(Path file) {
        SplittableRandom rng = new SplittableRandom(5);
        OnnxModels.write(new OnnxGraphBuilder("mlp").input("x", Dim.BATCH, Dim.of(64))
                .output("logits", Dim.BATCH, Dim.of(10))
                .initializer("w1", gaussian(rng, 64 * 32, 0.06), 64, 32).initializer("b1", gaussian(rng, 32, 0.1), 32)
                .initializer("w2", gaussian(rng, 320, 0.3), 32, 10).initializer("b2", gaussian(rng, 10, 0.1), 10)
                .node("Gemm", List.of("x", "w1", "b1"), "h").node("Relu", List.of("h"), "r")
                .node("Gemm", List.of("r", "w2", "b2"), "logits").build(ModelMetadata.of(Map.of())), file);
    }

    private static float[] gaussian(SplittableRandom rng, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * scale);
        }
        return v;
    }

    /** The digits test split (the file smoothcal-core ships) {@code times} over, as one digits CSV. */
    private static void writeRepeatedDigits(Path file, int times) {
        String resource = "/dev/smoothcal/core/data/digits/optdigits-test.csv.gz";
        try (InputStream gz = SparkClusterIT.class.getResourceAsStream(resource)) {
            if (gz == null) {
                throw new IllegalStateException(resource + " is not on the test class path (smoothcal-core)");
            }
            byte[] once;
            try (InputStream csv = new GZIPInputStream(gz)) {
                once = csv.readAllBytes();
            }
            String text = new String(once, StandardCharsets.US_ASCII);
            if (!text.endsWith("\n")) {
                text += "\n";
            }
            Files.writeString(file, text.repeat(times), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
