package dev.smoothcal.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A Spark standalone cluster in containers of the smoothcal-spark image: one master and {@code n} workers
 * of one core each, all with host networking on 127.0.0.1 (free ports picked at start). Spark's jars are the
 * image's {@code /opt/smoothcal/lib}, copied from Maven by the {@code -Pspark} build; nothing is downloaded.
 */
final class SparkCluster implements AutoCloseable {

    /** Where each worker keeps its executors' folders ({@code app-*}/{@code N}/{@code stderr}). */
    private static final String WORK_DIR = "/tmp/spark-work";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private final int uiPort;
    private final GenericContainer<?> master;
    private final List<GenericContainer<?>> workers = new ArrayList<>();

    private SparkCluster(String image, int workerCount, Path data, String dataPath) {
        port = freePort();
        uiPort = freePort();
        master = daemon(image, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--webui-port", String.valueOf(uiPort))
                .waitingFor(Wait.forLogMessage(".*I have been elected leader.*\\n", 1)
                        .withStartupTimeout(START_TIMEOUT));
        for (int i = 0; i < workerCount; i++) {
            GenericContainer<?> worker = daemon(image, "org.apache.spark.deploy.worker.Worker", "--host",
                    "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", "0", "--work-dir", WORK_DIR, url())
                    .waitingFor(Wait.forLogMessage(".*Successfully registered with master.*\\n", 1)
                            .withStartupTimeout(START_TIMEOUT));
            // the executors read the data files themselves: every worker sees them where the driver does
            workers.add(worker.withFileSystemBind(data.toString(), dataPath, BindMode.READ_ONLY));
        }
    }

    /**
     * Starts a master and {@code workerCount} workers and waits until the master counts them alive. The host
     * folder {@code data} is mounted read-only at {@code dataPath} in every worker, as a cluster's shared file
     * system: the executors open the {@code --data} files there.
     */
    static SparkCluster start(String image, int workerCount, Path data, String dataPath) {
        long started = System.nanoTime();
        SparkCluster cluster = new SparkCluster(image, workerCount, data, dataPath);
        try {
            cluster.master.start();
            cluster.workers.parallelStream().forEach(GenericContainer::start);
            cluster.awaitAliveWorkers(workerCount);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        System.out.printf("[it-tests] Spark master %s (UI :%d) and %d workers up in %.1f s%n", cluster.url(),
                cluster.uiPort, workerCount, (System.nanoTime() - started) / 1e9);
        return cluster;
    }

    /** The master's address, for {@code --master}. */
    String url() {
        return "spark://127.0.0.1:" + port;
    }

    /** The master's state as its web UI serves it ({@code /json}: workers, their state, apps). */
    JsonNode masterState() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + uiPort + "/json/"))
                .timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(request, HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("reading the master's /json", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the master's /json", e);
        }
    }

    /** Workers the master counts alive. */
    int aliveWorkers() {
        JsonNode state = masterState();
        if (!state.has("aliveworkers")) {
            throw new IllegalStateException("the master's /json/ has no aliveworkers: " + state);
        }
        return state.get("aliveworkers").asInt();
    }

    /** The stderr of every executor worker {@code i} (0-based) has started, concatenated. */
    String executorLogs(int i) {
        try {
            ExecResult r = workers.get(i).execInContainer("sh", "-c", "cat " + WORK_DIR + "/app-*/*/stderr 2>/dev/null");
            return r.getStdout();
        } catch (IOException e) {
            throw new UncheckedIOException("reading worker " + i + "'s executor logs", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading executor logs", e);
        }
    }

    /** Kills worker {@code i}'s container (SIGKILL: the worker and its executor end at once, as a lost machine). */
    void killWorker(int i) {
        DockerClientFactory.instance().client().killContainerCmd(workers.get(i).getContainerId()).exec();
    }

    @Override
    public void close() {
        for (GenericContainer<?> worker : workers) {
            worker.stop();
        }
        master.stop();
    }

    private void awaitAliveWorkers(int expected) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        int alive = -1;
        while (System.nanoTime() < deadline) {
            alive = aliveWorkers();
            if (alive == expected) {
                return;
            }
            sleep(200);
        }
        throw new IllegalStateException("the master counts " + alive + " alive workers, expected " + expected
                + "; state: " + masterState());
    }

    private static GenericContainer<?> daemon(String image, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of("@/opt/smoothcal/conf/java-options",
                "-cp", "/opt/smoothcal/lib/*", mainClass));
        command.addAll(List.of(args));
        return new GenericContainer<>(DockerImageName.parse(image))
                .withImagePullPolicy(SmoothcalCli.NEVER_PULL)
                .withNetworkMode("host")
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("java"))
                .withCommand(command.toArray(String[]::new));
    }

    /** A port free on 127.0.0.1 now (the daemons bind it a moment later; nothing else here takes it). */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("finding a free port", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
