package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/** Class-name lists shared by the loaders: label numbers, or a text file with one name per line. */
final class ClassNames {
    /** File beside a dataset that names its classes, one per line, line i = label i. */
    static final String CLASSES_FILE = "classes.txt";

    private ClassNames() {
    }

    /** {@code "0", "1", ..., count-1}. */
    static List<String> numbered(int count) {
        return IntStream.range(0, count).mapToObj(Integer::toString).toList();
    }

    /**
     * The names in {@code file} if it exists: UTF-8, one name per line, surrounding white space and
     * blank lines ignored.
     *
     * @throws SmoothcalException if the file exists but names no class
     */
    static Optional<List<String>> readIfPresent(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            List<String> names = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(s -> !s.isEmpty()).toList();
            if (names.isEmpty()) {
                throw new SmoothcalException(file + ": expected one class name per line, found none");
            }
            return Optional.of(names);
        } catch (IOException e) {
            throw new SmoothcalException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks every label against the class count.
     *
     * @param source the file the labels came from, for the message
     */
    static void requireInRange(int[] labels, List<String> names, Object source) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= names.size()) {
                throw new SmoothcalException(source + ": expected labels in [0, " + (names.size() - 1) + "] ("
                        + names.size() + " classes), found " + labels[i] + " at index " + i);
            }
        }
    }
}
