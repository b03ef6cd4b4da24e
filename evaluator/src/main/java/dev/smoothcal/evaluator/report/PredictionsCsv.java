package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * {@code predictions.csv}, written batch by batch as the evaluation streams: one row per image with
 * {@code index,label,predicted,confidence,p_0..p_{K-1}} (predicted = arg-max, lowest index on ties;
 * confidence = its probability; probabilities as the model gave them, float32 printed in full).
 * The rows go to a hidden temporary file that {@link #finish()} renames into place; closing without
 * finishing deletes it, so no half-written file is ever visible under the final name.
 */
public final class PredictionsCsv implements ImageClassifier.BatchConsumer, AutoCloseable {
    /** The file name in the output folder. */
    public static final String FILE_NAME = "predictions.csv";

    private final Path target;
    private final Path temporary;
    private final int[] labels;
    private final BufferedWriter writer;
    private boolean headerWritten;
    private boolean finished;

    private PredictionsCsv(Path target, Path temporary, int[] labels, BufferedWriter writer) {
        this.target = target;
        this.temporary = temporary;
        this.labels = labels;
        this.writer = writer;
    }

    /**
     * Starts {@code dir/predictions.csv}.
     *
     * @param dir the output folder; created when missing
     * @param labels the label of every image, by dataset index
     * @return the open writer; {@link #finish()} it, then close it
     */
    public static PredictionsCsv open(Path dir, int[] labels) {
        Path target = dir.resolve(FILE_NAME);
        Path temporary = dir.resolve("." + FILE_NAME + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(dir);
            return new PredictionsCsv(target, temporary, labels, Files.newBufferedWriter(temporary,
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new SmoothcalException("could not start " + target + ": " + AtomicFiles.describe(e), e);
        }
    }

    @Override
    public void accept(int from, int count, float[] probabilities, int numClasses) {
        try {
            if (!headerWritten) {
                writer.write("index,label,predicted,confidence");
                for (int k = 0; k < numClasses; k++) {
                    writer.write(",p_" + k);
                }
                writer.write('\n');
                headerWritten = true;
            }
            StringBuilder row = new StringBuilder(16 * (numClasses + 4));
            for (int n = 0; n < count; n++) {
                int base = n * numClasses;
                int best = 0;
                for (int k = 1; k < numClasses; k++) {
                    if (probabilities[base + k] > probabilities[base + best]) {
                        best = k;
                    }
                }
                row.setLength(0);
                row.append(from + n).append(',').append(labels[from + n]).append(',').append(best).append(',')
                        .append(probabilities[base + best]);
                for (int k = 0; k < numClasses; k++) {
                    row.append(',').append(probabilities[base + k]);
                }
                writer.append(row).append('\n');
            }
        } catch (IOException e) {
            throw new SmoothcalException("could not write " + target + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** Flushes and renames the file into place. */
    public void finish() {
        try {
            writer.close();
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            finished = true;
        } catch (IOException e) {
            throw new SmoothcalException("could not write " + target + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** Deletes the temporary file unless {@link #finish()} succeeded. */
    @Override
    public void close() {
        if (!finished) {
            try {
                writer.close();
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                throw new SmoothcalException("could not delete " + temporary + ": " + AtomicFiles.describe(e), e);
            }
        }
    }
}
