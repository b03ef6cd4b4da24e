package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.calibration.CalibrationData;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The calibration split's logits scored on Spark and collected on the driver, for the calibrators whose fit
 * needs them all (vector, matrix and Dirichlet scaling, Platt, histogram binning, isotonic regression): the
 * partitions score the split in the single-JVM evaluation's batches, so the logits are exactly the ones
 * the single-JVM fit sees, and the fits run on the driver as they do there. The driver holds the split's
 * logits, {@code 4 * K} bytes a sample, with its labels: O(N_cal), fine for a calibration split, which is
 * small (it is in the driver's memory already).
 */
final class SparkCalibration {
    private SparkCalibration() {
    }

    static CalibrationData fitLogits(SparkSession spark, Path model, SparkSamples samples, InferenceOptions inference,
            ExecutionProvider provider) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<LogitBlock> blocks;
        int k;
        try (ModelBroadcast m = ModelBroadcast.of(jsc, model, samples.shape(), inference, provider)) {
            k = m.numClasses();
            blocks = new ArrayList<>(samples.beans().javaRDD()
                    .mapPartitions(new PartitionLogits(m.bytes(), m.spec(), k)).collect());
        } catch (SmoothcalException e) {
            throw e;
        } catch (Exception e) { // SparkException is checked in Java's eyes, thrown undeclared from Scala
            throw SparkFailures.translate(e);
        }
        blocks.sort(Comparator.comparingLong(LogitBlock::first));
        long n = 0;
        for (LogitBlock b : blocks) {
            if (b.first() != n) {
                throw SmoothcalException.defect("the calibration split's blocks must tile its indices, found a block at "
                        + b.first() + " after " + n + " samples");
            }
            n += b.n();
        }
        if (n == 0) {
            throw new SmoothcalException("expected at least one image in " + samples.name() + ", found an empty split");
        }
        float[] logits = new float[Math.toIntExact(n * k)];
        int[] labels = new int[(int) n];
        for (LogitBlock b : blocks) {
            System.arraycopy(b.logits(), 0, logits, (int) b.first() * k, b.n() * k);
            System.arraycopy(b.labels(), 0, labels, (int) b.first(), b.n());
        }
        return new CalibrationData(logits, labels, k);
    }
}
