package dev.smoothcal.spark;

import dev.smoothcal.core.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** DataFrames shaped as users have them. */
final class UserFrames {
    private UserFrames() {
    }

    /** One row per image: pixels as binary (one unsigned byte each, raw values 0..255), label as long, an id. */
    static org.apache.spark.sql.Dataset<Row> bytesAndLongs(SparkSession spark, Dataset data, String imageColumn,
            String labelColumn) {
        int per = data.shape().size();
        List<Row> rows = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            byte[] pixels = new byte[per];
            for (int j = 0; j < per; j++) {
                float v = data.images()[i * per + j];
                if (v != Math.rint(v) || v < 0 || v > 255) {
                    throw new IllegalArgumentException("pixel " + v + " is not an unsigned byte");
                }
                pixels[j] = (byte) (int) v;
            }
            rows.add(RowFactory.create("img-" + i, pixels, (long) data.labels()[i]));
        }
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add(imageColumn, DataTypes.BinaryType)
                .add(labelColumn, DataTypes.LongType);
        return spark.createDataFrame(rows, schema);
    }
}
