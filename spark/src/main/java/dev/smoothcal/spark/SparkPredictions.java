package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Predictions at scale: appends the model's probabilities, prediction and confidence to every row of a
 * user's DataFrame (the shape of SynapseML's {@code ONNXModel} output), lazily, so the result can be
 * written as Parquet or joined like any DataFrame.
 *
 * <pre>{@code
 * Dataset<Row> scored = SparkPredictions.transform(images, "image", new ImageShape(28, 28, 1),
 *         Path.of("model.onnx"), InferenceOptions.DEFAULTS, ExecutionProvider.CPU);
 * scored.write().parquet("scored.parquet");
 * }</pre>
 *
 * <p>Appended columns: {@value #PROBABILITIES} ({@code array<float>}, K values summing to 1, softmax of the
 * logits in double precision when the model outputs logits), {@value #PREDICTION} ({@code int}, the arg-max,
 * lowest index on ties) and {@value #CONFIDENCE} ({@code float}, the largest probability). The probabilities
 * are those {@link ImageClassifier#predict} gives in one JVM. One ONNX Runtime session per executor JVM,
 * shared across partitions, as in {@link SparkEvaluation}.
 */
public final class SparkPredictions {
    /** Appended column of the class probabilities. */
    public static final String PROBABILITIES = "probabilities";
    /** Appended column of the predicted class. */
    public static final String PREDICTION = "prediction";
    /** Appended column of the top-label confidence. */
    public static final String CONFIDENCE = "confidence";
    /** Column of the global sample index in {@link #of}'s rows. */
    public static final String INDEX = SparkSamples.INDEX;
    /** Column of the true class in {@link #of}'s rows. */
    public static final String LABEL = SparkSamples.LABEL;
    private static final String PIXELS = "__smoothcal_pixels";
    /** Samples a chunk of {@link #of}: the rows a task holds at a time. */
    static final int CHUNK = 16_384;

    private SparkPredictions() {
    }

    /**
     * The rows of {@code frame} with the three prediction columns appended; every other column is kept.
     *
     * @param frame the user's rows
     * @param imageColumn the column of raw pixels, NHWC row-major: a numeric array or binary of unsigned bytes
     * @param shape H, W, C of every image
     * @param model an {@code .onnx} file or run directory, read on the driver and broadcast
     * @param inference batch size, layout, output and preprocessing
     * @param provider where ONNX Runtime runs on the executors
     * @return the lazily scored rows
     * @throws SmoothcalException naming {@code data} when the frame already has one of the appended columns
     *     or the image column is unusable, and as {@link ImageClassifier#open} when the model cannot take
     *     the images
     */
    public static Dataset<Row> transform(Dataset<Row> frame, String imageColumn, ImageShape shape, Path model,
            InferenceOptions inference, ExecutionProvider provider) {
        for (String name : List.of(PROBABILITIES, PREDICTION, CONFIDENCE, PIXELS)) {
            if (Arrays.asList(frame.columns()).contains(name)) {
                throw SmoothcalException.invalid("data", "must not have a column '" + name + "' already, found "
                        + Arrays.toString(frame.columns()));
            }
        }
        // kept open: the result is lazy, its tasks read the broadcast whenever it is computed
        ModelBroadcast m = ModelBroadcast.of(JavaSparkContext.fromSparkContext(frame.sparkSession().sparkContext()),
                model, shape, inference, provider);
        StructType in = frame.schema();
        StructType out = in.add(PROBABILITIES, DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(PREDICTION, DataTypes.IntegerType, false)
                .add(CONFIDENCE, DataTypes.FloatType, false);
        Dataset<Row> withPixels = frame.withColumn(PIXELS, SparkSamples.floatImage(frame, imageColumn));
        return withPixels.mapPartitions(new Scorer(m.bytes(), m.spec(), in.size()), Encoders.row(out));
    }

    /**
     * The predictions of every sample of a split, lazily: columns {@value #INDEX} ({@code long}, the global
     * index), {@value #LABEL} ({@code int}), {@value #PREDICTION}, {@value #CONFIDENCE} and {@value #PROBABILITIES}
     * as {@link #transform} appends them, in index order, written as Parquet with {@code write().parquet(path)}.
     * A {@link SparkFiles} split is read on the executors in chunks of whole batches (the probabilities are
     * then exactly the single-JVM evaluation's, batch for batch); any other source is read into the
     * driver's memory and spread as {@link SparkSamples#of} spreads it. Evaluating and predicting are two
     * jobs: the images run through the model once for each.
     *
     * @param spark the session
     * @param data the split
     * @param partitions partitions of the split, at least 1
     * @param model an {@code .onnx} file or run directory, read on the driver and broadcast
     * @param inference batch size, layout, output and preprocessing
     * @param provider where ONNX Runtime runs on the executors
     * @return the rows, one per sample
     * @throws SmoothcalException naming {@code partitions} below 1, and as {@link #transform}
     */
    public static Dataset<Row> of(org.apache.spark.sql.SparkSession spark, dev.smoothcal.core.data.BatchSource data,
            int partitions, Path model, InferenceOptions inference, ExecutionProvider provider) {
        if (partitions < 1) {
            throw SmoothcalException.invalid("partitions", "must be at least 1, found " + partitions);
        }
        if (!(data instanceof SparkFiles files)) {
            SparkSamples samples = SparkSamples.of(spark, data.toDataset(), partitions);
            return transform(samples.rows(), SparkSamples.IMAGE, samples.shape(), model, inference, provider)
                    .select(INDEX, LABEL, PREDICTION, CONFIDENCE, PROBABILITIES);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ModelBroadcast m = ModelBroadcast.of(jsc, model, files.shape(), inference, provider); // kept open: lazy result
        int batch = inference.batchSize();
        int chunk = Math.max(1, CHUNK / batch) * batch;
        List<int[]> chunks = new java.util.ArrayList<>();
        for (int from = 0; from < files.size(); from += chunk) {
            chunks.add(new int[] {from, Math.min(files.size(), from + chunk)});
        }
        StructType schema = new StructType()
                .add(INDEX, DataTypes.LongType, false)
                .add(LABEL, DataTypes.IntegerType, false)
                .add(PREDICTION, DataTypes.IntegerType, false)
                .add(CONFIDENCE, DataTypes.FloatType, false)
                .add(PROBABILITIES, DataTypes.createArrayType(DataTypes.FloatType, false), false);
        int parts = Math.max(1, Math.min(partitions, chunks.size()));
        return spark.createDataFrame(jsc.parallelize(chunks, parts)
                .flatMap(new ShardPredictor(files.spec(), m.bytes(), m.spec())), schema);
    }

    /** Scores one partition batch by batch, lazily. */
    private static final class Scorer implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> model;
        private final InferenceSpec spec;
        private final int columns;

        Scorer(Broadcast<byte[]> model, InferenceSpec spec, int columns) {
            this.model = model;
            this.spec = spec;
            this.columns = columns;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> rows) {
            ImageClassifier classifier = ExecutorClassifiers.classifier(spec, model::value);
            int batch = spec.batchSize();
            int per = spec.height() * spec.width() * spec.channels();
            float[] images = new float[batch * per];
            Row[] pending = new Row[batch];
            ArrayDeque<Row> ready = new ArrayDeque<>();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    if (ready.isEmpty() && rows.hasNext()) {
                        score();
                    }
                    return !ready.isEmpty();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return ready.poll();
                }

                private void score() {
                    int n = 0;
                    while (n < batch && rows.hasNext()) {
                        Row row = rows.next();
                        List<Float> pixels = row.getList(columns);
                        if (pixels == null || pixels.size() != per) {
                            throw new SmoothcalException("expected an image of " + spec.shape() + " (" + per
                                    + " values), found " + (pixels == null ? "none" : pixels.size() + " values"));
                        }
                        int base = n * per;
                        for (int i = 0; i < per; i++) {
                            images[base + i] = pixels.get(i);
                        }
                        pending[n++] = row;
                    }
                    ImageClassifier.Batch b = classifier.predict(images, 0, n);
                    int k = b.numClasses();
                    float[] p = b.probabilities();
                    for (int r = 0; r < n; r++) {
                        float[] row = Arrays.copyOfRange(p, r * k, (r + 1) * k);
                        int best = 0;
                        for (int j = 1; j < k; j++) {
                            if (row[j] > row[best]) {
                                best = j;
                            }
                        }
                        Object[] values = new Object[columns + 3];
                        for (int c = 0; c < columns; c++) {
                            values[c] = pending[r].get(c);
                        }
                        values[columns] = row;
                        values[columns + 1] = best;
                        values[columns + 2] = row[best];
                        ready.add(RowFactory.create(values));
                        pending[r] = null;
                    }
                }
            };
        }
    }
}
