package dev.smoothcal.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transform appends the single-JVM probabilities to a user's rows, and the result round-trips Parquet. */
class SparkPredictionsTest {
    private static SparkSession spark;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = TestModels.local(2);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void appendsTheSingleJvmPredictionsAndRoundTripsParquet() {
        Dataset test = DatasetSource.builtInDigits(DatasetSplit.TEST);
        Path model = TestModels.mlp(dir.resolve("m.onnx"), 64, 32, 10, 3, 0.5);
        org.apache.spark.sql.Dataset<Row> frame = UserFrames.bytesAndLongs(spark, test, "image", "label")
                .repartition(3);
        InferenceOptions options = InferenceOptions.DEFAULTS.withBatchSize(50);
        org.apache.spark.sql.Dataset<Row> scored = SparkPredictions.transform(frame, "image", test.shape(), model,
                options, ExecutionProvider.CPU);
        assertEquals(List.of("id", "image", "label", "probabilities", "prediction", "confidence"),
                List.of(scored.columns()));
        String parquet = dir.resolve("scored.parquet").toString();
        scored.write().parquet(parquet);
        List<Row> back = spark.read().parquet(parquet).collectAsList();
        assertEquals(test.size(), back.size());
        try (ImageClassifier c = ImageClassifier.open(model, test.shape(), options, ExecutionProvider.CPU)) {
            float[] expected = c.predict(test.images(), 0, test.size()).probabilities();
            int k = c.numClasses();
            for (Row r : back) {
                int i = Integer.parseInt(r.getString(r.fieldIndex("id")).substring(4));
                float[] p = toFloats(r.getList(r.fieldIndex("probabilities")));
                float[] want = java.util.Arrays.copyOfRange(expected, i * k, (i + 1) * k);
                assertArrayEquals(want, p, 1e-6f, "row " + i);
                int best = r.getInt(r.fieldIndex("prediction"));
                assertEquals(p[best], r.getFloat(r.fieldIndex("confidence")));
                for (float v : p) {
                    assertTrue(v <= p[best]);
                }
                assertEquals((long) test.labels()[i], r.getLong(r.fieldIndex("label")));
            }
        }
    }

    @Test
    void refusesToOverwriteAColumn() {
        Dataset test = DatasetSource.builtInDigits(DatasetSplit.TEST);
        Path model = TestModels.mlp(dir.resolve("n.onnx"), 64, 32, 10, 3, 0.5);
        org.apache.spark.sql.Dataset<Row> frame = UserFrames.bytesAndLongs(spark, test, "image", "prediction");
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> SparkPredictions.transform(frame,
                "image", test.shape(), model, InferenceOptions.DEFAULTS, ExecutionProvider.CPU));
        assertEquals(java.util.Optional.of("data"), e.parameter());
    }

    private static float[] toFloats(List<Object> values) {
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((Number) values.get(i)).floatValue();
        }
        return v;
    }
}
