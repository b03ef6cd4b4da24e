package dev.smoothcal.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.LoadOptions;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.inference.Preprocessing;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files read on the executors, shard by shard ({@link SparkFiles}), give the numbers of the single-JVM
 * evaluation of the same split opened as usual ({@link DatasetSource#open}), whatever the partitioning.
 */
class SparkFilesTest {
    private static final Path KMNIST = Path.of("../../shared/data/kmnist-test");
    private static final Path PNG200 = Path.of("../../shared/data/cifar10-png200/cifar10-train-first200-png.tar.gz");
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

    /** The reference: the single-JVM evaluation of the split opened as the command line opens it. */
    private static EvaluationReport single(EvaluationRequest onFiles, String data, DatasetSplit split) {
        BatchSource plain = DatasetSource.open(data, split, LoadOptions.defaults());
        EvaluationReport report = Evaluation.run(new EvaluationRequest(onFiles.model(), plain, onFiles.inference(),
                onFiles.provider(), onFiles.bins(), onFiles.bootstrapReplicates(), onFiles.seed(),
                onFiles.calibrateOn(), onFiles.calibrators(), onFiles.calibrationSettings(), onFiles.trainingData(),
                onFiles.exportCalibrated()));
        assertTrue(!(plain instanceof SparkFiles));
        return report;
    }

    /** Pixels scaled to [0, 1], in batches of {@code batch}. */
    private static InferenceOptions scaled(int batch) {
        return new InferenceOptions(batch, Optional.empty(), Optional.empty(), Optional.empty(),
                new Preprocessing(1 / 255.0, new double[] {0}, new double[] {1}));
    }

    @ParameterizedTest(name = "{0} partitions, batch {1}")
    @CsvSource({"1, 64", "3, 64", "7, 64", "4, 100", "40, 64"})
    void digitsEqualSingleJvm(int partitions, int batch) {
        SparkFiles test = SparkFiles.of("digits", DatasetSplit.TEST, LoadOptions.defaults());
        Path model = TestModels.mlp(dir.resolve("digits.onnx"), 64, 32, 10, 7, 0.5);
        EvaluationRequest request = EvaluationRequest.of(model, test).withProvider(ExecutionProvider.CPU)
                .withInference(InferenceOptions.DEFAULTS.withBatchSize(batch));
        EvaluationReport expected = single(request, "digits", DatasetSplit.TEST);
        EvaluationReport distributed = SparkEvaluation.run(spark, request, partitions);
        SameNumbers.assertSame(expected, distributed);
        assertEquals(1797, distributed.data().size());
        assertEquals(expected.data().fingerprint(), distributed.data().fingerprint());
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {2, 5})
    void fashionMnistTestSplitEqualsSingleJvm(int partitions) {
        TestModels.fashionTest(); // a visible skip without the data
        String data = TestModels.FASHION.toString();
        SparkFiles test = SparkFiles.of(data, DatasetSplit.TEST, LoadOptions.defaults());
        Path model = TestModels.mlp(dir.resolve("fashion.onnx"), 784, 64, 10, 11, 3.0);
        EvaluationRequest request = EvaluationRequest.of(model, test).withProvider(ExecutionProvider.CPU)
                .withInference(scaled(256));
        EvaluationReport expected = single(request, data, DatasetSplit.TEST);
        EvaluationReport distributed = SparkEvaluation.run(spark, request, partitions);
        SameNumbers.assertSame(expected, distributed);
        assertEquals(10_000, distributed.data().size());
        assertEquals("fashion-mnist/test", distributed.data().name());
        assertEquals(expected.data().classNames(), distributed.data().classNames());
    }

    @Test
    void digitsWithTheTemperatureEqualSingleJvm() {
        SparkFiles test = SparkFiles.of("digits", DatasetSplit.TEST, LoadOptions.defaults());
        Path model = TestModels.mlp(dir.resolve("digits-t.onnx"), 64, 32, 10, 7, 0.5);
        EvaluationRequest request = EvaluationRequest.of(model, test).withProvider(ExecutionProvider.CPU)
                .withCalibration(DatasetSource.open("digits", DatasetSplit.TRAIN));
        SameNumbers.assertSame(single(request, "digits", DatasetSplit.TEST), SparkEvaluation.run(spark, request, 3));
    }

    @Test
    void aNumpyArchiveEqualsSingleJvm() {
        Assumptions.assumeTrue(Files.isDirectory(KMNIST), "no KMNIST at " + KMNIST.toAbsolutePath() + "; skipping");
        SparkFiles test = SparkFiles.of(KMNIST.toString(), DatasetSplit.TEST, LoadOptions.defaults());
        Path model = TestModels.mlp(dir.resolve("kmnist.onnx"), 784, 32, 10, 5, 2.0);
        EvaluationRequest request = EvaluationRequest.of(model, test).withProvider(ExecutionProvider.CPU)
                .withInference(scaled(128));
        SameNumbers.assertSame(single(request, KMNIST.toString(), DatasetSplit.TEST),
                SparkEvaluation.run(spark, request, 3));
    }

    @Test
    void aCifarBinaryBatchEqualsSingleJvm() throws IOException {
        Path bin = dir.resolve("test_batch.bin");
        byte[] records = new byte[300 * 3073];
        SplittableRandom rng = new SplittableRandom(3);
        for (int r = 0; r < 300; r++) {
            records[r * 3073] = (byte) rng.nextInt(10);
            for (int j = 1; j < 3073; j++) {
                records[r * 3073 + j] = (byte) rng.nextInt(256);
            }
        }
        Files.write(bin, records);
        SparkFiles test = SparkFiles.of(bin.toString(), DatasetSplit.TEST, LoadOptions.defaults());
        Path model = TestModels.mlp(dir.resolve("cifar.onnx"), 3072, 16, 10, 9, 1.0);
        EvaluationRequest request = EvaluationRequest.of(model, test).withProvider(ExecutionProvider.CPU)
                .withInference(scaled(32));
        EvaluationReport distributed = SparkEvaluation.run(spark, request, 4);
        SameNumbers.assertSame(single(request, bin.toString(), DatasetSplit.TEST), distributed);
        assertEquals(300, distributed.data().size());
    }

    @Test
    void anImageArchiveEqualsSingleJvm() {
        Assumptions.assumeTrue(Files.isRegularFile(PNG200), "no CIFAR-10 PNGs at " + PNG200.toAbsolutePath()
                + "; skipping");
        SparkFiles train = SparkFiles.of(PNG200.toString(), DatasetSplit.TRAIN, LoadOptions.defaults());
        Path model = TestModels.mlp(dir.resolve("png.onnx"), 3072, 16, 10, 13, 1.0);
        EvaluationRequest request = EvaluationRequest.of(model, train).withProvider(ExecutionProvider.CPU)
                .withInference(scaled(16));
        SameNumbers.assertSame(single(request, PNG200.toString(), DatasetSplit.TRAIN),
                SparkEvaluation.run(spark, request, 3));
    }

    @Test
    void shardsAreWholeBatchesThatTileTheSplit() {
        SparkFiles test = SparkFiles.of("digits", DatasetSplit.TEST, LoadOptions.defaults());
        List<int[]> shards = test.shards(5, 64); // 1797 images: 29 batches, the last of 5
        assertEquals(5, shards.size());
        int end = 0;
        for (int[] s : shards) {
            assertEquals(end, s[0]);
            assertEquals(0, s[0] % 64);
            assertTrue(s[1] > s[0]);
            end = s[1];
        }
        assertEquals(1797, end);
        assertArrayEquals(new int[] {0, 320}, shards.get(0)); // floor(29 / 5) = 5 batches
        assertEquals(29, test.shards(100, 64).size()); // never more shards than batches
        assertEquals(1, test.shards(1, 4096).size());
    }

    @Test
    void aRelativePathIsMadeAbsoluteForTheExecutors() {
        TestModels.fashionTest();
        SparkFiles test = SparkFiles.of(TestModels.FASHION.toString(), DatasetSplit.TEST, LoadOptions.defaults());
        assertTrue(Path.of(test.location()).isAbsolute(), test.location());
        assertEquals("digits", SparkFiles.of("digits", DatasetSplit.TEST, LoadOptions.defaults()).location());
    }

    @Test
    void aModelOfOtherClassesIsRefusedBeforeAnyTask() {
        SparkFiles test = SparkFiles.of("digits", DatasetSplit.TEST, LoadOptions.defaults());
        Path model = TestModels.mlp(dir.resolve("digits-7.onnx"), 64, 8, 7, 7, 0.5);
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> SparkEvaluation.run(spark,
                EvaluationRequest.of(model, test).withProvider(ExecutionProvider.CPU), 2));
        assertTrue(e.getMessage().contains("labels up to 9"), e.getMessage());
    }
}
