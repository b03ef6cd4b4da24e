package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;

/**
 * The one adapter from smoothcal's in-memory {@link Dataset} (float pixels and int labels in arrays) to Spark
 * rows: the arrays are broadcast and each partition generates the rows of one range of consecutive indices.
 * When datasets stream from shards of index ranges, this class is where a partition reads its shard instead.
 */
final class DatasetRows {
    private DatasetRows() {
    }

    /**
     * The rows of {@code copies} back-to-back copies of {@code data} (copy c of sample i has index
     * {@code c * N + i}); more than one copy is for measuring throughput at scale.
     */
    static SparkSamples samples(SparkSession spark, Dataset data, int partitions, int copies) {
        if (partitions < 1) {
            throw SmoothcalException.invalid("partitions", "must be at least 1, found " + partitions);
        }
        if (copies < 1) {
            throw SmoothcalException.defect("copies of a dataset must be at least 1, found " + copies);
        }
        long total = (long) data.size() * copies;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> images = jsc.broadcast(data.images());
        Broadcast<int[]> labels = jsc.broadcast(data.labels());
        int per = data.shape().size();
        int size = data.size();
        List<long[]> ranges = new ArrayList<>();
        int parts = (int) Math.max(1, Math.min(partitions, total));
        for (int p = 0; p < parts; p++) {
            ranges.add(new long[] {total * p / parts, total * (p + 1) / parts});
        }
        JavaRDD<SparkSample> rdd = jsc.parallelize(ranges, parts).flatMap(range -> new Iterator<SparkSample>() {
            private long next = range[0];

            @Override
            public boolean hasNext() {
                return next < range[1];
            }

            @Override
            public SparkSample next() {
                if (next >= range[1]) {
                    throw new NoSuchElementException();
                }
                int i = (int) (next % size);
                float[] image = new float[per];
                System.arraycopy(images.value(), i * per, image, 0, per);
                return new SparkSample(next++, image, labels.value()[i]);
            }
        });
        String name = copies == 1 ? data.name() : data.name() + " x" + copies;
        return new SparkSamples(spark.createDataset(rdd.rdd(), Encoders.bean(SparkSample.class)).toDF(), name,
                data.shape(), data.classNames(), copies == 1 ? data.fingerprint() : null);
    }
}
