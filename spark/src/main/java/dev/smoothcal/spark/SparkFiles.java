package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.DataBatch;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.core.data.LoadOptions;
import dev.smoothcal.core.data.Shard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A split in files that every executor can read at the same path, evaluated on Spark without passing its
 * pixels through the driver: {@link SparkEvaluation#run(org.apache.spark.sql.SparkSession,
 * dev.smoothcal.evaluator.evaluation.EvaluationRequest, int)} with a request on these files gives each
 * partition a range {@code [from, to)} of global sample indices (whole batches of the request's batch size,
 * so every batch is the single-JVM evaluation's batch), and the partition opens the split itself
 * ({@link DatasetSource#open(String, DatasetSplit, LoadOptions)}, as the single-JVM evaluation does) and
 * reads only that range.
 *
 * <pre>{@code
 * SparkFiles test = SparkFiles.of("/data/fashion-mnist", DatasetSplit.TEST, LoadOptions.defaults());
 * EvaluationReport report = SparkEvaluation.run(spark, EvaluationRequest.of(Path.of("model.onnx"), test), 8);
 * }</pre>
 *
 * <p>What each JVM holds is what the split's {@link BatchSource} holds: IDX, image folders and archives
 * stream from their files (the labels, 4 bytes a sample, and a few batches); the formats core loads into
 * memory (NumPy, CIFAR-10 binary, CSV) are loaded once by each JVM that opens them and kept while it runs, the
 * driver included, which opens the split for its size, shape, class names and labels. Any format is read
 * correctly; only streaming formats keep every JVM's memory independent of N.
 *
 * <p>This is also a {@link BatchSource} of the same split read in this JVM, so the single-JVM
 * {@link dev.smoothcal.evaluator.evaluation.Evaluation} runs on it unchanged (the reference of the tests).
 */
public final class SparkFiles implements BatchSource {
    private final FileSpec spec;
    private final BatchSource local;

    private SparkFiles(FileSpec spec, BatchSource local) {
        this.spec = spec;
        this.local = local;
    }

    /**
     * Opens {@code split} of {@code data} in this JVM for its size, shape, class names and labels, to be
     * read on Spark at the same path. A relative path is made absolute against this JVM's working folder,
     * so executors on this machine or a shared file system find it.
     *
     * @param data {@code digits} or a file, folder or archive path (see {@link DatasetSource})
     * @param split which split
     * @param options budget and resize (the listener hears this JVM's decoding only)
     * @return the split
     * @throws SmoothcalException as {@link DatasetSource#open(String, DatasetSplit, LoadOptions)}
     */
    public static SparkFiles of(String data, DatasetSplit split, LoadOptions options) {
        if (data == null || data.isBlank()) {
            throw SmoothcalException.invalid("data", "must name a built-in dataset (digits) or a path, found nothing");
        }
        String where = data;
        if (!data.equals(DatasetSource.DIGITS) && Files.exists(Path.of(data))) {
            where = Path.of(data).toAbsolutePath().normalize().toString();
        }
        FileSpec spec = FileSpec.of(where, split, options);
        String at = where;
        // shared with the tasks of this JVM (local mode): the split is opened once
        BatchSource local = ExecutorSources.source(spec, () -> DatasetSource.open(at, split, options));
        return new SparkFiles(spec, local);
    }

    /**
     * The path (or {@code digits}) the executors open.
     *
     * @return an absolute path, or {@code digits}
     */
    public String location() {
        return spec.data();
    }

    /**
     * The split the executors open.
     *
     * @return the split
     */
    public DatasetSplit split() {
        return spec.split();
    }

    @Override
    public String name() {
        return local.name();
    }

    @Override
    public ImageShape shape() {
        return local.shape();
    }

    @Override
    public List<String> classNames() {
        return local.classNames();
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public int[] labels() {
        return local.labels();
    }

    @Override
    public void read(Shard shard, int batchSize, Consumer<DataBatch> consumer) {
        local.read(shard, batchSize, consumer);
    }

    @Override
    public String fingerprint() {
        return local.fingerprint();
    }

    FileSpec spec() {
        return spec;
    }

    /**
     * The ranges of global indices the partitions read: whole batches of {@code batchSize}, near-equal in
     * batches, at most {@code partitions} of them (fewer when there are fewer batches).
     */
    List<int[]> shards(int partitions, int batchSize) {
        if (partitions < 1) {
            throw SmoothcalException.invalid("partitions", "must be at least 1, found " + partitions);
        }
        int n = size();
        long batches = (n + (long) batchSize - 1) / batchSize;
        int parts = (int) Math.max(1, Math.min(partitions, batches));
        List<int[]> shards = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            long from = batches * p / parts * batchSize;
            long to = Math.min(n, batches * (p + 1) / parts * batchSize);
            shards.add(new int[] {(int) from, (int) to});
        }
        return shards;
    }
}
