package dev.smoothcal.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.inference.Preprocessing;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Spark in local[2] gives the numbers of the single-JVM evaluation, whatever the partitioning. */
class SparkEvaluationTest {
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

    private static EvaluationRequest digitsRequest(int batch) {
        Dataset test = DatasetSource.builtInDigits(DatasetSplit.TEST);
        Path model = TestModels.mlp(dir.resolve("digits-" + batch + ".onnx"), 64, 32, 10, 7, 0.5);
        return EvaluationRequest.of(model, test).withProvider(ExecutionProvider.CPU)
                .withInference(InferenceOptions.DEFAULTS.withBatchSize(batch));
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 3, 7})
    void digitsEqualSingleJvm(int partitions) {
        EvaluationRequest request = digitsRequest(64);
        EvaluationReport single = Evaluation.run(request);
        EvaluationReport distributed = SparkEvaluation.run(spark, request, partitions);
        SameNumbers.assertSame(single, distributed);
        assertEquals(1797, distributed.data().size());
        assertEquals(single.data().fingerprint(), distributed.data().fingerprint());
        assertTrue(distributed.bootstrap() != null);
    }

    @Test
    void oneSessionPerJvmWhateverThePartitions() {
        EvaluationRequest request = digitsRequest(32);
        ExecutorClassifiers.closeAll();
        SparkEvaluation.run(spark, request, 9);
        SparkEvaluation.run(spark, request, 4);
        // local mode: driver and executor are one JVM, so 18 partitions and two jobs share one session.
        assertEquals(1, ExecutorClassifiers.openSessions());
    }

    @Test
    void aUserFrameOfBytesAndLongLabelsGivesTheSameNumbers() {
        EvaluationRequest request = digitsRequest(64);
        EvaluationReport single = Evaluation.run(request);
        Dataset test = request.data().toDataset();
        SparkSamples samples = SparkSamples.fromFrame(UserFrames.bytesAndLongs(spark, test, "pixels", "digit"),
                "pixels", "digit", test.name(), test.shape(), test.classNames());
        EvaluationReport distributed = SparkEvaluation.run(spark, SparkEvaluationRequest.from(request, samples));
        assertEquals(null, distributed.data().fingerprint());
        SameNumbers.assertSame(withFingerprint(single, null), distributed);
    }

    @Test
    void shuffledRowsAreRefusedUntilOrderedThenGiveTheSameNumbers() {
        EvaluationRequest request = digitsRequest(64);
        EvaluationReport single = Evaluation.run(request);
        SparkSamples rows = SparkSamples.of(spark, request.data().toDataset(), 4);
        SparkSamples shuffled = new SparkSamples(rows.rows().repartition(3), rows.name(), rows.shape(),
                rows.classNames(), rows.fingerprint());
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> SparkEvaluation.run(spark, SparkEvaluationRequest.from(request, shuffled)));
        assertTrue(e.getMessage().contains("inIndexOrder"), e.getMessage());
        SameNumbers.assertSame(single, SparkEvaluation.run(spark,
                SparkEvaluationRequest.from(request, shuffled.inIndexOrder(3))));
    }

    @Test
    void repeatedIndicesAreRejected() {
        EvaluationRequest request = digitsRequest(64);
        SparkSamples rows = SparkSamples.of(spark, request.data().toDataset(), 2);
        SparkSamples twice = new SparkSamples(rows.rows().union(rows.rows()), rows.name(), rows.shape(),
                rows.classNames(), null);
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> SparkEvaluation.run(spark, SparkEvaluationRequest.from(request, twice)));
        assertTrue(e.getMessage().contains("more than once"), e.getMessage());
    }

    @Test
    void aLabelTheModelCannotOutputIsBadInput() {
        EvaluationRequest request = digitsRequest(64);
        SparkSamples rows = SparkSamples.of(spark, request.data().toDataset(), 2);
        org.apache.spark.sql.Dataset<Row> bad = rows.rows().withColumn("label", org.apache.spark.sql.functions.expr(
                "case when index = 1000 then 12 else label end"));
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> SparkEvaluation.run(spark,
                SparkEvaluationRequest.from(request, new SparkSamples(bad, "bad", rows.shape(), rows.classNames(),
                        null))));
        assertEquals(SmoothcalException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("sample 1000"), e.getMessage());
    }

    @Test
    void fashionMnistTestSplitEqualsSingleJvm() {
        Dataset test = TestModels.fashionTest();
        Path model = TestModels.mlp(dir.resolve("fashion.onnx"), 784, 64, 10, 11, 3.0);
        EvaluationRequest request = EvaluationRequest.of(model, test).withProvider(ExecutionProvider.CPU)
                .withInference(new InferenceOptions(256, Optional.empty(), Optional.empty(), Optional.empty(),
                        new Preprocessing(1 / 255.0, new double[] {0}, new double[] {1})));
        EvaluationReport single = Evaluation.run(request);
        EvaluationReport distributed = SparkEvaluation.run(spark, request, 6);
        SameNumbers.assertSame(single, distributed);
        assertEquals(10_000, distributed.data().size());
    }

    private static EvaluationReport withFingerprint(EvaluationReport r, String fingerprint) {
        EvaluationReport.DataInfo d = new EvaluationReport.DataInfo(r.data().name(), r.data().size(), fingerprint,
                r.data().classNames());
        return new EvaluationReport(r.format(), r.model(), d, r.accuracy(), r.nll(), r.brier(), r.ece(), r.mce(),
                r.eceEqualMass(), r.classwiseEce(), r.eceL2(), r.eceDebiasedL2(), r.smoothEce(),
                r.smoothEceBandwidth(), r.topK(), r.numBins(), r.bins(), r.equalMassBins(), r.classification(),
                r.bootstrap(), r.temperature(), r.calibration(), r.export(), r.throughput(), r.gate());
    }
}
