package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.util.Arrays;
import java.util.Locale;

/** Which part of a dataset to load. */
public enum DatasetSplit {
    /** The training split. */
    TRAIN,
    /** The test split. */
    TEST;

    /**
     * Parses {@code train} or {@code test}, case-insensitive.
     *
     * @param text the name, surrounding blanks ignored
     * @return the split
     * @throws SmoothcalException if the text names no split
     */
    public static DatasetSplit parse(String text) {
        if (text == null) {
            throw new SmoothcalException("--split must be one of " + Arrays.toString(cliNames()) + ", found nothing");
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SmoothcalException("--split must be one of " + Arrays.toString(cliNames()) + ", found '" + text + "'");
        }
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static String[] cliNames() {
        return Arrays.stream(values()).map(DatasetSplit::cliName).toArray(String[]::new);
    }
}
