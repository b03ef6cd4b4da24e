package dev.smoothcal.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** A {@link Dataset} read as batches. */
final class InMemorySource implements BatchSource {
    private final Dataset data;

    InMemorySource(Dataset data) {
        this.data = data;
    }

    @Override
    public String name() {
        return data.name();
    }

    @Override
    public ImageShape shape() {
        return data.shape();
    }

    @Override
    public List<String> classNames() {
        return data.classNames();
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public int[] labels() {
        return data.labels();
    }

    @Override
    public void read(Shard shard, int batchSize, Consumer<DataBatch> consumer) {
        BatchSource.requireRange(name(), shard, batchSize, size());
        int per = shape().size();
        for (int from = shard.from(); from < shard.to(); from += batchSize) {
            int count = Math.min(batchSize, shard.to() - from);
            consumer.accept(new DataBatch(from, count, shape(),
                    Arrays.copyOfRange(data.images(), from * per, (from + count) * per),
                    Arrays.copyOfRange(data.labels(), from, from + count)));
        }
    }

    @Override
    public String fingerprint() {
        return data.fingerprint();
    }

    @Override
    public Dataset toDataset() {
        return data;
    }
}
