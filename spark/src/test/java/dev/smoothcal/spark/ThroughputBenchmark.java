package dev.smoothcal.spark;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.inference.Preprocessing;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images/s of one evaluation single-JVM, in local[1] and in local[2], on the Fashion-MNIST test split repeated
 * SMOOTHCAL_BENCH_COPIES times (default 10), each measured twice in a warm session (the second is printed
 * last). A measurement, not a check: runs only with SMOOTHCAL_BENCH=1, e.g.
 * {@code SMOOTHCAL_BENCH=1 ./mvnw -B -o -pl spark -am test -Dtest=ThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ThroughputBenchmark {
    @TempDir
    Path dir;

    @Test
    void imagesPerSecond() {
        Assumptions.assumeTrue("1".equals(System.getenv("SMOOTHCAL_BENCH")), "a benchmark: set SMOOTHCAL_BENCH=1");
        int copies = Integer.parseInt(System.getenv().getOrDefault("SMOOTHCAL_BENCH_COPIES", "10"));
        Dataset test = TestModels.fashionTest();
        Path model = TestModels.mlp(dir.resolve("fashion.onnx"), 784, 256, 10, 11, 3.0);
        InferenceOptions options = new InferenceOptions(256, Optional.empty(), Optional.empty(), Optional.empty(),
                new Preprocessing(1 / 255.0, new double[] {0}, new double[] {1}));
        Dataset big = repeat(test, copies);
        EvaluationRequest request = EvaluationRequest.of(model, big).withProvider(ExecutionProvider.CPU)
                .withInference(options);
        for (int round = 0; round < 2; round++) {
            report("jvm", Evaluation.run(request));
        }
        for (int threads : new int[] {1, 2}) {
            SparkSession spark = TestModels.local(threads);
            try {
                for (int round = 0; round < 2; round++) {
                    SparkSamples samples = DatasetRows.samples(spark, test, 2 * threads, copies);
                    report("local[" + threads + "]", SparkEvaluation.run(spark,
                            SparkEvaluationRequest.from(request.withModel(model), samples)));
                }
            } finally {
                spark.stop();
            }
        }
    }

    private static void report(String engine, EvaluationReport r) {
        System.out.println(String.format(Locale.ROOT, "BENCH %-9s %8d images %7.2f s %9.0f images/s accuracy %.6f",
                engine, r.data().size(), r.throughput().seconds(), r.throughput().imagesPerSecond(), r.accuracy()));
    }

    private static Dataset repeat(Dataset d, int copies) {
        float[] images = new float[d.images().length * copies];
        int[] labels = new int[d.size() * copies];
        for (int c = 0; c < copies; c++) {
            System.arraycopy(d.images(), 0, images, c * d.images().length, d.images().length);
            System.arraycopy(d.labels(), 0, labels, c * d.size(), d.size());
        }
        return new Dataset(d.name() + " x" + copies, images, labels, d.shape(), d.classNames());
    }
}
