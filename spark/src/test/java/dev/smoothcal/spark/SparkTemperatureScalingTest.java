package dev.smoothcal.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.evaluator.calibration.CalibrationMethod;
import dev.smoothcal.evaluator.calibration.TemperatureFit;
import dev.smoothcal.evaluator.calibration.TemperatureScaling;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The temperature fitted on Spark (local[2]) is the single-JVM fit's: TemperatureScaling.fit on the logits
 * the evaluator computes in one JVM. Asked within 1e-9 relative; the same doubles are expected (the objective is
 * an exact sum), and the difference is printed.
 */
class SparkTemperatureScalingTest {
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

    @ParameterizedTest(name = "gain {0}, {1} partitions, batch {2}")
    @CsvSource({"0.05, 1, 64", "0.05, 3, 64", "0.05, 7, 50", "0.003, 5, 64", "0.5, 4, 128", "0.0001, 2, 64"})
    void fitEqualsTheSingleJvmFit(double gain, int partitions, int batch) {
        Dataset train = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        Path model = nearestMean(dir.resolve("means-" + gain + ".onnx"), train, gain);
        InferenceOptions inference = InferenceOptions.DEFAULTS.withBatchSize(batch);
        TemperatureFit single = singleJvm(model, train, inference);
        TemperatureFit distributed = SparkTemperatureScaling.fit(spark, model,
                SparkSamples.of(spark, train, partitions), inference, ExecutionProvider.CPU);
        double relative = Math.abs(distributed.temperature() - single.temperature()) / single.temperature();
        System.out.printf("gain %g, %d partitions: T %.17g (single JVM %.17g, relative difference %.1e), %s%n",
                gain, partitions, distributed.temperature(), single.temperature(), relative, distributed.position());
        assertTrue(relative <= 1e-9, () -> "T " + distributed.temperature() + " vs " + single.temperature());
        assertEquals(single.position(), distributed.position());
        assertEquals(single.samples(), distributed.samples());
        assertEquals(single.nllUntempered(), distributed.nllUntempered(), 1e-12 * single.nllUntempered());
        assertEquals(single.nllTempered(), distributed.nllTempered(), 1e-12 * single.nllTempered());
    }

    @Test
    void aCalibratedEvaluationHasTheSingleJvmReportTemperatureIncluded() {
        Dataset train = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        Dataset test = DatasetSource.builtInDigits(DatasetSplit.TEST);
        Path model = nearestMean(dir.resolve("means-report.onnx"), train, 0.05);
        EvaluationRequest request = EvaluationRequest.of(model, test).withProvider(ExecutionProvider.CPU)
                .withCalibration(train);
        EvaluationReport single = Evaluation.run(request);
        EvaluationReport distributed = SparkEvaluation.run(spark, request, 3);
        SameNumbers.assertSame(single, distributed);
        assertEquals(single.temperature().t(), distributed.temperature().t(), 0.0, "T to the bit");
        assertTrue(single.temperature().t() > 1.5, "an over-confident model: T " + single.temperature().t());
    }

    @Test
    void calibratorsFitOnCollectedLogitsGiveTheSingleJvmCalibrationSection() {
        Dataset train = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        Path model = nearestMean(dir.resolve("means-calibrators.onnx"), train, 0.05);
        EvaluationRequest request = EvaluationRequest.of(model, DatasetSource.builtInDigits(DatasetSplit.TEST))
                .withProvider(ExecutionProvider.CPU).withCalibration(train).withCalibrators(List.of(
                        CalibrationMethod.TEMPERATURE, CalibrationMethod.VECTOR, CalibrationMethod.HISTOGRAM));
        EvaluationReport single = Evaluation.run(request);
        EvaluationReport distributed = SparkEvaluation.run(spark, request, 3);
        assertEquals(3, distributed.calibration().size());
        // fits on the same logits: the same parameters; metrics within 1e-12 relative
        SameNumbers.assertSame(single, distributed);
        for (int i = 0; i < 3; i++) {
            assertEquals(Json.MAPPER.valueToTree(single.calibration().get(i).parameters()),
                    Json.MAPPER.valueToTree(distributed.calibration().get(i).parameters()),
                    single.calibration().get(i).method());
        }
    }

    @Test
    void aCalibratedExportIsRefusedOnSpark() {
        Dataset train = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        Path model = nearestMean(dir.resolve("means-refused.onnx"), train, 0.05);
        EvaluationRequest request = EvaluationRequest.of(model, DatasetSource.builtInDigits(DatasetSplit.TEST))
                .withCalibration(train).withCalibrators(List.of(CalibrationMethod.TEMPERATURE))
                .withExport(new EvaluationRequest.CalibratedExport(dir.resolve("c.onnx"), CalibrationMethod.TEMPERATURE));
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> SparkEvaluation.run(spark, request, 2));
        assertTrue(e.getMessage().contains("exportCalibrated"), e::getMessage);
    }

    @Test
    void aLabelTheModelCannotOutputIsRefused() {
        Dataset train = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        Path model = TestModels.mlp(dir.resolve("mlp-9.onnx"), 64, 32, 9, 3, 1.0);
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> SparkTemperatureScaling.fit(spark, model,
                SparkSamples.of(spark, train, 2), InferenceOptions.DEFAULTS, ExecutionProvider.CPU));
        assertTrue(e.getMessage().contains("must be in [0, 9)"), e::getMessage);
    }

    /**
     * A real classifier, so that T has a minimum inside its bracket: nearest class mean of {@code data},
     * {@code logit_c = gain * (x . m_c - |m_c|^2 / 2)}; the gain makes it over- or under-confident.
     */
    static Path nearestMean(Path file, Dataset data, double gain) {
        int d = 64;
        int k = 10;
        double[] sums = new double[k * d];
        int[] counts = new int[k];
        for (int i = 0; i < data.size(); i++) {
            int y = data.labels()[i];
            counts[y]++;
            for (int j = 0; j < d; j++) {
                sums[y * d + j] += data.images()[i * d + j];
            }
        }
        float[] w = new float[d * k];
        float[] b = new float[k];
        for (int c = 0; c < k; c++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                double m = sums[c * d + j] / counts[c];
                w[j * k + c] = (float) (gain * m);
                norm += m * m;
            }
            b[c] = (float) (-gain * norm / 2);
        }
        OnnxModels.write(new OnnxGraphBuilder("means")
                .input("x", Dim.BATCH, Dim.of(d))
                .output("logits", Dim.BATCH, Dim.of(k))
                .initializer("w", w, d, k).initializer("b", b, k)
                .node("Gemm", List.of("x", "w", "b"), "logits")
                .build(ModelMetadata.of(Map.of())), file);
        return file;
    }

    /** What the single-JVM evaluation fits: the logits of every batch, then TemperatureScaling.fit. */
    private static TemperatureFit singleJvm(Path model, Dataset data, InferenceOptions inference) {
        try (ImageClassifier classifier = ImageClassifier.open(model, data.shape(), inference, ExecutionProvider.CPU)) {
            int k = classifier.numClasses();
            float[] logits = new float[data.size() * k];
            classifier.predictBatches(data, batch -> {
                float[] z = TemperatureScaling.logits(batch.raw(), classifier.outputKind());
                System.arraycopy(z, 0, logits, batch.from() * k, batch.count() * k);
            });
            return TemperatureScaling.fit(logits, Arrays.copyOf(data.labels(), data.size()), data.size(), k);
        }
    }
}
