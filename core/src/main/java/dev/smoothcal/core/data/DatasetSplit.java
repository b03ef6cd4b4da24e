package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.util.Arrays;
import java.util.Locale;

/** Which part of a dataset to load. */
public enum DatasetSplit {
    /** The training part ({@code train}). */
    TRAIN,
    /** The held-out test part ({@code test}). */
    TEST;

    /**
     * Parses {@code train} or {@code test}, case-insensitive, as the value of parameter {@code split}.
     *
     * @param text the split's name
     * @return the split
     * @throws SmoothcalException naming {@code split} when {@code text} is null or neither name
     */
    public static DatasetSplit parse(String text) {
        return parse("split", text);
    }

    /**
     * Parses {@code train} or {@code test}, case-insensitive, as the value of the named parameter (for
     * example {@code calibrateOn}, the split a temperature is fitted on).
     *
     * @param parameter the library parameter the value belongs to, named by the error
     * @param text the split's name
     * @return the split
     * @throws SmoothcalException naming {@code parameter} when {@code text} is null or neither name
     */
    public static DatasetSplit parse(String parameter, String text) {
        if (text == null) {
            throw SmoothcalException.invalid(parameter, "must be one of " + Arrays.toString(ids()) + ", found nothing");
        }
        for (DatasetSplit s : values()) {
            if (s.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw SmoothcalException.invalid(parameter, "must be one of " + Arrays.toString(ids()) + ", found '" + text + "'");
    }

    /**
     * The split's name as files and messages spell it.
     *
     * @return {@code train} or {@code test}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static String[] ids() {
        return Arrays.stream(values()).map(DatasetSplit::id).toArray(String[]::new);
    }
}
