package dev.smoothcal.trainer.train;

import dev.smoothcal.core.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;

/** Writes {@code history.csv}: a header of {@link EpochRecord#COLUMNS}, then one row per epoch. */
public final class HistoryCsv {
    private HistoryCsv() {
    }

    public static void write(Path file, List<EpochRecord> history) {
        StringBuilder sb = new StringBuilder(String.join(",", EpochRecord.COLUMNS)).append('\n');
        for (EpochRecord r : history) {
            sb.append(r.csvRow()).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
