package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.calibration.ExactSum;
import dev.smoothcal.evaluator.calibration.TemperatureFit;
import dev.smoothcal.evaluator.calibration.TemperatureScaling;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Temperature scaling fitted on Spark: the T of {@link TemperatureScaling#fit(float[], int[], int, int)} for
 * the same model and samples, without collecting the logits on the driver.
 *
 * <p>One pass scores every partition (the model's bytes broadcast, one ONNX Runtime session per executor)
 * and keeps its logits cached on its executor ({@code 4 * k} bytes a sample, spilling to disk when memory is
 * short). Then the very search of the single-JVM fit (Brent over {@code ln T} in [0.05, 20], the same
 * tolerances) runs on the driver, each NLL it asks for one Spark job: every partition sums its rows'
 * {@code logsumexp(z / T) - z_y / T} exactly ({@link ExactSum}), the driver adds those sums exactly and
 * rounds once. The mean NLL is therefore the same double as in one JVM, and the search takes the same steps
 * to the same T, given the same logits (ONNX Runtime gives the same logits for a sample in the same batch,
 * and the partitions keep the single-JVM batches). A fit takes about 30 to 50 such jobs; the driver holds
 * one exact sum (about 17 kB) per partition at a time, never a logit.
 */
public final class SparkTemperatureScaling {
    private SparkTemperatureScaling() {
    }

    /**
     * Fits T on {@code samples}.
     *
     * @param spark the session the samples belong to
     * @param model an ONNX file, or a run directory holding {@code model.onnx}
     * @param samples the fit split, partitions of consecutive indices in order
     * @param inference batch size, layout, output and preprocessing, as for the evaluation
     * @param provider where ONNX Runtime runs on the executors
     * @return T with the NLL before and after it, and whether T stopped at an end of the bracket
     * @throws SmoothcalException for an empty split, a label the model cannot output, a non-finite logit,
     *     rows out of index order, or a failure of Spark itself (backend)
     */
    public static TemperatureFit fit(SparkSession spark, Path model, SparkSamples samples, InferenceOptions inference,
            ExecutionProvider provider) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ModelBroadcast m = ModelBroadcast.of(jsc, model, samples.shape(), inference, provider);
        int k = m.numClasses();
        JavaRDD<LogitBlock> blocks = samples.beans().javaRDD().mapPartitions(new PartitionLogits(m.bytes(), m.spec(), k))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long n = blocks.map(b -> (long) b.n()).fold(0L, Long::sum);
            if (n == 0) {
                throw new SmoothcalException("expected at least one image in " + samples.name()
                        + ", found an empty split");
            }
            if (n > Integer.MAX_VALUE) {
                throw new SmoothcalException("a temperature fit takes at most " + Integer.MAX_VALUE + " images, found "
                        + n + " in " + samples.name());
            }
            int classes = k;
            return TemperatureScaling.fit(t -> blocks.map(b -> TemperatureScaling.nllSum(b.logits(), b.labels(), b.n(),
                    classes, t)).reduce(ExactSum::add).value() / n, (int) n);
        } catch (SmoothcalException e) {
            throw e;
        } catch (Exception e) { // SparkException is checked in Java's eyes, thrown undeclared from Scala
            throw SparkFailures.translate(e);
        } finally {
            blocks.unpersist(false);
            m.close();
        }
    }
}
