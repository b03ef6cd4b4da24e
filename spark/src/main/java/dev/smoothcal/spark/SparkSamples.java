package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageShape;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Labelled images as a Spark {@code Dataset}, with what the report says about them.
 *
 * <p>{@code rows} has the columns {@value #INDEX} (the global sample index, integral), {@value #IMAGE} (raw
 * pixels, NHWC row-major: an array of any numeric type, or binary holding one unsigned byte per value) and
 * {@value #LABEL} (integral, in [0, K)). The evaluation is the same whatever the partitioning; it is
 * cheapest when each partition holds consecutive indices in order, as {@link #of(SparkSession,
 * dev.smoothcal.core.data.Dataset, int)} and {@link #fromFrame} make them.
 *
 * @param rows the samples
 * @param name the dataset's name in the report
 * @param shape H, W, C of every image
 * @param classNames one name per class, in label order
 * @param fingerprint the dataset's fingerprint in the report (see
 *     {@link dev.smoothcal.core.data.Dataset#fingerprint()}), or null when unknown
 */
public record SparkSamples(Dataset<Row> rows, String name, ImageShape shape, List<String> classNames,
        String fingerprint) {
    /** Column of the global sample index. */
    public static final String INDEX = "index";
    /** Column of the raw pixels. */
    public static final String IMAGE = "image";
    /** Column of the true class. */
    public static final String LABEL = "label";

    /**
     * Checks the columns and copies the class names.
     *
     * @param rows the samples
     * @param name the dataset's name in the report
     * @param shape H, W, C of every image
     * @param classNames one name per class, in label order
     * @param fingerprint the dataset's fingerprint, or null when unknown
     * @throws SmoothcalException naming {@code data} when a column is missing or of an unusable type
     */
    public SparkSamples {
        if (rows == null || name == null || shape == null || classNames == null) {
            throw SmoothcalException.invalid("data", "must be rows with a name, an image shape and class names, "
                    + "found none");
        }
        classNames = List.copyOf(classNames);
        StructType schema = rows.schema();
        requireIntegral(schema, INDEX);
        requireIntegral(schema, LABEL);
        imageType(schema, IMAGE);
    }

    /**
     * The samples of a dataset held in this JVM, in {@code partitions} partitions of consecutive indices.
     *
     * @param spark the session
     * @param data the dataset
     * @param partitions how many partitions, at least 1
     * @return the samples, with the dataset's name, shape, class names and fingerprint
     */
    public static SparkSamples of(SparkSession spark, dev.smoothcal.core.data.Dataset data, int partitions) {
        return DatasetRows.samples(spark, data, partitions, 1);
    }

    /**
     * The samples of a user's DataFrame: its rows numbered in order ({@code zipWithIndex}, which runs one
     * small job to count each partition), its image and label columns renamed.
     *
     * @param frame the user's rows
     * @param imageColumn the column of raw pixels (numeric array, or binary of unsigned bytes)
     * @param labelColumn the column of true classes (integral)
     * @param name the dataset's name in the report
     * @param shape H, W, C of every image
     * @param classNames one name per class, in label order
     * @return the samples, without a fingerprint
     */
    public static SparkSamples fromFrame(Dataset<Row> frame, String imageColumn, String labelColumn, String name,
            ImageShape shape, List<String> classNames) {
        Dataset<Row> picked = frame.select(frame.col(imageColumn).as(IMAGE), frame.col(labelColumn).as(LABEL));
        StructType schema = new StructType(new StructField[] {
                DataTypes.createStructField(INDEX, DataTypes.LongType, false),
                picked.schema().fields()[0], picked.schema().fields()[1]});
        JavaRDD<Row> numbered = picked.javaRDD().zipWithIndex()
                .map(t -> RowFactory.create(t._2(), t._1().get(0), t._1().get(1)));
        return new SparkSamples(frame.sparkSession().createDataFrame(numbered, schema), name, shape, classNames, null);
    }

    /**
     * These samples in {@code partitions} partitions of consecutive indices, each in index order (a range
     * repartition and a sort: one shuffle of the rows). Needed when the rows were shuffled, for example by
     * {@code repartition(n)}; rows read in order from files, or made by {@link #of} or {@link #fromFrame},
     * are already in this layout.
     *
     * @param partitions how many partitions, at least 1
     * @return the same samples, reordered
     */
    public SparkSamples inIndexOrder(int partitions) {
        if (partitions < 1) {
            throw SmoothcalException.invalid("partitions", "must be at least 1, found " + partitions);
        }
        Dataset<Row> ordered = rows.repartitionByRange(partitions, rows.col(INDEX)).sortWithinPartitions(INDEX);
        return new SparkSamples(ordered, name, shape, classNames, fingerprint);
    }

    /** The rows as beans: index as long, image as float[], label as int. */
    Dataset<SparkSample> beans() {
        Column image = floatImage(rows, IMAGE);
        return rows.select(rows.col(INDEX).cast(DataTypes.LongType).as(INDEX), image.as(IMAGE),
                rows.col(LABEL).cast(DataTypes.IntegerType).as(LABEL)).as(Encoders.bean(SparkSample.class));
    }

    /** Column {@code name} of {@code frame} as an array of floats: numeric arrays cast, binary read as unsigned bytes. */
    static Column floatImage(Dataset<Row> frame, String name) {
        DataType type = imageType(frame.schema(), name);
        if (type instanceof BinaryType) {
            return UNSIGNED_BYTES.apply(frame.col(name));
        }
        return frame.col(name).cast(DataTypes.createArrayType(DataTypes.FloatType));
    }

    private static final UserDefinedFunction UNSIGNED_BYTES = functions.udf((UDF1<byte[], float[]>) bytes -> {
        if (bytes == null) {
            return null;
        }
        float[] v = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            v[i] = bytes[i] & 0xFF;
        }
        return v;
    }, DataTypes.createArrayType(DataTypes.FloatType, false));

    static DataType imageType(StructType schema, String name) {
        DataType type = column(schema, name).dataType();
        if (type instanceof BinaryType
                || (type instanceof ArrayType a && a.elementType() instanceof NumericType)) {
            return type;
        }
        throw SmoothcalException.invalid("data", "column '" + name + "' must hold images as a numeric array or "
                + "binary (one unsigned byte per value), found " + type.simpleString());
    }

    private static void requireIntegral(StructType schema, String name) {
        DataType type = column(schema, name).dataType();
        if (!(type.equals(DataTypes.LongType) || type.equals(DataTypes.IntegerType)
                || type.equals(DataTypes.ShortType) || type.equals(DataTypes.ByteType))) {
            throw SmoothcalException.invalid("data", "column '" + name + "' must be integral, found "
                    + type.simpleString());
        }
    }

    private static StructField column(StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw SmoothcalException.invalid("data", "must have a column '" + name + "', found columns "
                + Arrays.toString(schema.fieldNames()));
    }
}
