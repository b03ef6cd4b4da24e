package dev.smoothcal.spark;

import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.DataLimits;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.LoadOptions;
import dev.smoothcal.core.data.Resize;
import dev.smoothcal.core.data.ResizeRule;
import java.io.Serializable;
import java.util.Optional;
import java.util.UUID;

/**
 * Where an executor opens a split: the dataset specification ({@code digits} or a path every executor can
 * read), the split and the loading options that matter to the values (budget and resize), in a serializable
 * form ({@link LoadOptions} holds {@code Optional}s and a listener, which are not). It is the key of
 * {@link ExecutorSources}; {@code opening} tells one {@link SparkFiles#of} from another, so a split opened
 * again (its files possibly rewritten since) is read afresh rather than from what an executor kept.
 *
 * @param opening a random id of the {@link SparkFiles#of} call
 * @param data {@code digits} or an absolute path
 * @param split the split
 * @param memoryBudget the loading budget in bytes
 * @param resizeHeight rows of the resize target, 0 for none
 * @param resizeWidth columns of the resize target, 0 for none
 * @param resizeRule the resize rule, null for none
 */
record FileSpec(String opening, String data, DatasetSplit split, long memoryBudget, int resizeHeight, int resizeWidth,
        ResizeRule resizeRule) implements Serializable {

    static FileSpec of(String data, DatasetSplit split, LoadOptions options) {
        Resize r = options.resize().orElse(null);
        return new FileSpec(UUID.randomUUID().toString(), data, split, options.limits().memoryBudgetBytes(),
                r == null ? 0 : r.height(), r == null ? 0 : r.width(), r == null ? null : r.rule());
    }

    LoadOptions options() {
        LoadOptions o = LoadOptions.defaults().withLimits(new DataLimits(memoryBudget));
        return resizeRule == null ? o : o.withResize(new Resize(resizeHeight, resizeWidth, resizeRule));
    }

    Optional<Resize> resize() {
        return options().resize();
    }

    /** Opens the split here, as the single-JVM evaluation opens it. */
    BatchSource open() {
        return DatasetSource.open(data, split, options());
    }
}
