package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate --engine spark} (embedded local[2]) writes the report.json numbers of plain {@code evaluate}. */
class EvaluateOnSparkTest {
    @TempDir
    Path tmp;

    @Test
    void sparkEngineWritesTheNumbersOfTheJvmEngine() throws IOException {
        Path model = mlp(tmp.resolve("m.onnx"));
        assertEquals(0, Main.execute("evaluate", "--model", model.toString(), "--provider", "cpu", "--out",
                tmp.resolve("jvm").toString()));
        assertEquals(0, Main.execute("evaluate", "--model", model.toString(), "--provider", "cpu", "--out",
                tmp.resolve("spark").toString(), "--master", "local[2]", "--partitions", "3"));
        ObjectNode jvm = (ObjectNode) Json.MAPPER.readTree(tmp.resolve("jvm/report.json").toFile());
        ObjectNode spark = (ObjectNode) Json.MAPPER.readTree(tmp.resolve("spark/report.json").toFile());
        jvm.remove("throughput");
        spark.remove("throughput");
        assertEquals(jvm.get("bootstrap"), spark.get("bootstrap"));
        assertEquals(jvm.get("classification"), spark.get("classification"));
        assertEquals(jvm.get("data"), spark.get("data"));
        for (String metric : List.of("accuracy", "nll", "brier", "ece", "mce", "ece_equal_mass", "classwise_ece")) {
            double a = jvm.get(metric).asDouble();
            double b = spark.get(metric).asDouble();
            assertTrue(Math.abs(a - b) <= 1e-12 * Math.abs(a), metric + ": " + a + " vs " + b);
        }
    }

    @Test
    void calibrateOnFitsTheSameTemperatureOnSpark() throws IOException {
        Path model = mlp(tmp.resolve("m.onnx"));
        assertEquals(0, Main.execute("evaluate", "--model", model.toString(), "--provider", "cpu", "--out",
                tmp.resolve("jvm-t").toString(), "--calibrate-on", "train"));
        assertEquals(0, Main.execute("evaluate", "--model", model.toString(), "--provider", "cpu", "--out",
                tmp.resolve("spark-t").toString(), "--calibrate-on", "train", "--master", "local[2]",
                "--partitions", "3"));
        JsonNode jvm = Json.MAPPER.readTree(tmp.resolve("jvm-t/report.json").toFile()).get("temperature");
        JsonNode spark = Json.MAPPER.readTree(tmp.resolve("spark-t/report.json").toFile()).get("temperature");
        assertEquals(jvm.get("t").asDouble(), spark.get("t").asDouble(), 0.0, "T to the bit");
        assertEquals(jvm.get("fitted_on"), spark.get("fitted_on"));
        assertEquals(jvm.get("fit_samples"), spark.get("fit_samples"));
        for (String metric : List.of("fit_nll_before", "fit_nll_after", "nll_before", "nll_after", "ece_after")) {
            double a = jvm.get(metric).asDouble();
            double b = spark.get(metric).asDouble();
            assertTrue(Math.abs(a - b) <= 1e-12 * Math.abs(a), metric + ": " + a + " vs " + b);
        }
        assertEquals(ExitCode.BAD_INPUT, Main.execute("evaluate", "--model", model.toString(), "--out",
                tmp.resolve("x").toString(), "--calibrate-on", "train", "--export-calibrated",
                tmp.resolve("c.onnx").toString(), "--engine", "spark"));
    }

    @Test
    void calibratorsOnSparkWriteTheCalibrationSectionOfTheJvmEngine() throws IOException {
        Path model = mlp(tmp.resolve("m.onnx"));
        List<String> common = List.of("evaluate", "--model", model.toString(), "--provider", "cpu",
                "--calibrate-on", "train", "--calibrators", "temperature,vector,histogram,isotonic");
        List<String> jvm = new java.util.ArrayList<>(common);
        jvm.addAll(List.of("--out", tmp.resolve("jvm-c").toString()));
        List<String> spark = new java.util.ArrayList<>(common);
        spark.addAll(List.of("--out", tmp.resolve("spark-c").toString(), "--master", "local[2]", "--partitions", "3"));
        assertEquals(0, Main.execute(jvm.toArray(String[]::new)));
        assertEquals(0, Main.execute(spark.toArray(String[]::new)));
        JsonNode a = Json.MAPPER.readTree(tmp.resolve("jvm-c/report.json").toFile());
        JsonNode b = Json.MAPPER.readTree(tmp.resolve("spark-c/report.json").toFile());
        assertEquals(4, b.get("calibration").size());
        for (int i = 0; i < 4; i++) {
            JsonNode x = a.get("calibration").get(i);
            JsonNode y = b.get("calibration").get(i);
            assertEquals(x.get("method"), y.get("method"));
            // the same logits in the same order: the very same fit and parameters
            assertEquals(x.get("parameters"), y.get("parameters"), x.get("method").asText());
            assertEquals(x.get("fit"), y.get("fit"), x.get("method").asText());
            // calibrated probabilities are doubles, summed per partition: within 1e-12 (the accuracy's exactly)
            assertEquals(x.at("/bootstrap/accuracy"), y.at("/bootstrap/accuracy"), x.get("method").asText());
            for (String metric : List.of("accuracy", "nll", "brier", "ece", "classwise_ece", "mce",
                    "bootstrap/expected_calibration_error/lower", "bootstrap/expected_calibration_error/upper")) {
                double p = x.at("/" + metric).asDouble();
                double q = y.at("/" + metric).asDouble();
                assertTrue(Math.abs(p - q) <= 1e-12 * Math.abs(p), x.get("method") + " " + metric + ": " + p + " vs " + q);
            }
        }
        assertEquals(a.get("temperature").get("t"), b.get("temperature").get("t"));
    }

    @Test
    void savePredictionsWritesParquetOfTheJvmEnginesPredictions() throws IOException {
        Path model = mlp(tmp.resolve("m.onnx"));
        assertEquals(0, Main.execute("evaluate", "--model", model.toString(), "--provider", "cpu", "--out",
                tmp.resolve("jvm-p").toString(), "--save-predictions", "--batch-size", "100"));
        assertEquals(0, Main.execute("evaluate", "--model", model.toString(), "--provider", "cpu", "--out",
                tmp.resolve("spark-p").toString(), "--save-predictions", "--batch-size", "100", "--master",
                "local[2]", "--partitions", "4"));
        List<String> csv = Files.readAllLines(tmp.resolve("jvm-p/predictions.csv"));
        assertTrue(Files.isDirectory(tmp.resolve("spark-p/predictions.parquet")));
        SparkSession spark = SparkSession.builder().master("local[1]").appName("read-predictions")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        try {
            List<Row> rows = spark.read().parquet(tmp.resolve("spark-p/predictions.parquet").toString())
                    .orderBy("index").collectAsList();
            assertEquals(csv.size() - 1, rows.size());
            for (int i = 0; i < rows.size(); i++) {
                String[] f = csv.get(i + 1).split(",");
                Row r = rows.get(i);
                assertEquals(Long.parseLong(f[0]), r.getLong(r.fieldIndex("index")));
                assertEquals(Integer.parseInt(f[1]), r.getInt(r.fieldIndex("label")));
                assertEquals(Integer.parseInt(f[2]), r.getInt(r.fieldIndex("prediction")));
                assertEquals(Float.parseFloat(f[3]), r.getFloat(r.fieldIndex("confidence")), 0f);
                List<Float> p = r.getList(r.fieldIndex("probabilities"));
                for (int k = 0; k < p.size(); k++) {
                    // the same batches as in one JVM: the very same floats
                    assertEquals(Float.parseFloat(f[4 + k]), p.get(k), 0f, "sample " + i + " class " + k);
                }
            }
        } finally {
            spark.stop();
        }
    }

    @Test
    void sparkOnlyFlagsNeedTheSparkEngine() {
        assertEquals(ExitCode.BAD_INPUT, Main.execute("evaluate", "--model", "m.onnx", "--out",
                tmp.resolve("x").toString(), "--engine", "jvm", "--partitions", "4"));
    }

    private static Path mlp(Path file) {
        SplittableRandom rng = new SplittableRandom(5);
        OnnxModels.write(new OnnxGraphBuilder("mlp").input("x", Dim.BATCH, Dim.of(64))
                .output("logits", Dim.BATCH, Dim.of(10))
                .initializer("w1", gaussian(rng, 64 * 32, 0.06), 64, 32).initializer("b1", gaussian(rng, 32, 0.1), 32)
                .initializer("w2", gaussian(rng, 320, 0.1), 32, 10).initializer("b2", gaussian(rng, 10, 0.1), 10)
                .node("Gemm", List.of("x", "w1", "b1"), "h").node("Relu", List.of("h"), "r")
                .node("Gemm", List.of("r", "w2", "b2"), "logits").build(ModelMetadata.of(Map.of())), file);
        return file;
    }

    private static float[] gaussian(SplittableRandom rng, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * scale);
        }
        return v;
    }
}
