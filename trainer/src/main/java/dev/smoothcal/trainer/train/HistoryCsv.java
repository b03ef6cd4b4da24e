package dev.smoothcal.trainer.train;

import dev.smoothcal.core.io.AtomicFiles;
import java.nio.file.Path;
import java.util.List;

/** Writes {@code history.csv}: a header of {@link EpochRecord#COLUMNS}, then one row per epoch. */
public final class HistoryCsv {
    private HistoryCsv() {
    }

    /**
     * Writes {@code file} atomically.
     *
     * @param file the CSV file to write
     * @param history one record per epoch, in order
     */
    public static void write(Path file, List<EpochRecord> history) {
        StringBuilder sb = new StringBuilder(String.join(",", EpochRecord.COLUMNS)).append('\n');
        for (EpochRecord r : history) {
            sb.append(r.csvRow()).append('\n');
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
