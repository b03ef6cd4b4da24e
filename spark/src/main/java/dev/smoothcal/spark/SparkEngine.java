package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Spark for a process that has none yet (the command line): makes a session for a master, evaluates, stops
 * it. Its signatures hold no Spark type, so code that calls it compiles without Spark on its class path.
 *
 * <p>{@code local[*]} (or {@code local[n]}) runs Spark inside this JVM, bound to 127.0.0.1; nothing needs
 * installing. A {@code spark://HOST:PORT} master submits to a standalone cluster: the executors receive
 * this process's smoothcal, ONNX Runtime and Commons Math jars ({@code spark.jars}), and with a master on
 * 127.0.0.1 or localhost the driver binds there too.
 */
public final class SparkEngine {
    /** The master of the embedded engine: every core of this machine. */
    public static final String LOCAL = "local[*]";
    /** The folder of Parquet files the predictions are written to in an output folder. */
    public static final String PREDICTIONS_PARQUET = "predictions.parquet";

    private SparkEngine() {
    }

    /**
     * Evaluates {@code request} on a fresh session of {@code master}, then stops the session.
     *
     * @param request the request, as the single-JVM evaluation takes it, without a calibrated export; its
     *     data a {@link SparkFiles} to have the executors read it
     * @param master {@code local[*]}, {@code local[n]} or {@code spark://HOST:PORT}
     * @param partitions partitions of the dataset, at least 1; 0 for Spark's default parallelism
     * @return the report, exactly what {@code report.json} holds
     * @throws SmoothcalException naming {@code master} for another kind of master, {@code partitions}
     *     when negative
     */
    public static EvaluationReport evaluate(EvaluationRequest request, String master, int partitions) {
        return evaluate(request, master, partitions, null);
    }

    /**
     * As {@link #evaluate(EvaluationRequest, String, int)}, then writes every sample's prediction as Parquet
     * ({@link SparkPredictions#of}: index, label, prediction, confidence, probabilities) to {@code predictions}
     * when given: a second job, the images run through the model again.
     *
     * @param request the request, as the single-JVM evaluation takes it, without a calibrated export; its
     *     data a {@link SparkFiles} to have the executors read it
     * @param master {@code local[*]}, {@code local[n]} or {@code spark://HOST:PORT}
     * @param partitions partitions of the dataset, at least 1; 0 for Spark's default parallelism
     * @param predictions the folder to write the Parquet files to (it must not exist; every executor must be
     *     able to write there), or null for none
     * @return the report, exactly what {@code report.json} holds
     * @throws SmoothcalException as {@link #evaluate(EvaluationRequest, String, int)}, and a backend failure
     *     when the predictions cannot be written
     */
    public static EvaluationReport evaluate(EvaluationRequest request, String master, int partitions,
            java.nio.file.Path predictions) {
        if (partitions < 0) {
            throw SmoothcalException.invalid("partitions", "must be at least 1, or 0 for Spark's default, found "
                    + partitions);
        }
        SparkSession spark = session(master);
        try {
            int parts = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
            EvaluationReport report = SparkEvaluation.run(spark, request, parts);
            if (predictions != null) {
                try {
                    SparkPredictions.of(spark, request.data(), parts, request.model(), request.inference(),
                            request.provider()).write().parquet(predictions.toAbsolutePath().toString());
                } catch (SmoothcalException e) {
                    throw e;
                } catch (Exception e) { // SparkException is checked in Java's eyes, thrown undeclared from Scala
                    throw SparkFailures.translate(e);
                }
            }
            return report;
        } finally {
            spark.stop();
        }
    }

    /** A session for {@code master}, configured as the class comment says. */
    static SparkSession session(String master) {
        if (master == null || !(master.startsWith("local") || master.startsWith("spark://"))) {
            throw SmoothcalException.invalid("master", "must be local[*], local[N] or spark://HOST:PORT, found '"
                    + master + "'");
        }
        // Spark's launcher passes this flag; a process that starts Spark itself sets it before Netty loads.
        System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        SparkSession.Builder builder = SparkSession.builder().master(master).appName("smoothcal evaluate")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false");
        boolean loopback = master.startsWith("local") || isLoopback(master);
        if (loopback && System.getenv("SPARK_LOCAL_IP") == null) {
            builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        if (master.startsWith("spark://")) {
            builder.config("spark.jars", String.join(",", applicationJars()))
                    // two workers on one address otherwise read each other's shuffle files as host-local
                    .config("spark.shuffle.readHostLocalDisk", "false");
        }
        try {
            return builder.getOrCreate();
        } catch (RuntimeException e) {
            throw SmoothcalException.backend("could not start Spark with master " + master + ": " + e.getMessage(), e);
        }
    }

    private static boolean isLoopback(String master) {
        String host = URI.create(master).getHost();
        return host != null && (host.equals("127.0.0.1") || host.toLowerCase(Locale.ROOT).equals("localhost"));
    }

    /** The jars of this process that executors need: smoothcal's own, ONNX Runtime and Commons Math. */
    static List<String> applicationJars() {
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            String name = new File(entry).getName();
            if (name.endsWith(".jar") && (name.startsWith("smoothcal") || name.startsWith("onnxruntime")
                    || name.startsWith("commons-math3"))) {
                jars.add(new File(entry).getAbsolutePath());
            }
        }
        return jars;
    }
}
