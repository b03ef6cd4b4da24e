package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the UCI Optical Recognition of Handwritten Digits format (optdigits, the data behind
 * scikit-learn's {@code load_digits}): CSV, optionally gzipped, no header, one image per line of 64
 * integers 0..16 (8x8 row-major) followed by the label 0..9.
 */
public final class DigitsCsvLoader {
    /** Image shape of the format. */
    public static final ImageShape SHAPE = new ImageShape(8, 8, 1);
    /** Largest pixel value in the format. */
    public static final int MAX_VALUE = 16;
    static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private DigitsCsvLoader() {
    }

    /**
     * Parses a digits CSV stream (gzip detected by its magic bytes).
     *
     * @param name the dataset name to give, also used in error messages
     * @param raw the CSV bytes, plain or gzip; not closed here
     * @return the digits as 8x8x1 images
     * @throws SmoothcalException naming the line and what was expected there
     */
    public static Dataset load(String name, InputStream raw) {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int per = SHAPE.size();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(CompressedFiles.open(raw),
                StandardCharsets.US_ASCII))) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                if (fields.length != per + 1) {
                    throw new SmoothcalException(name + " line " + lineNo + ": expected " + (per + 1)
                            + " comma-separated integers (64 pixels then the label), found " + fields.length);
                }
                float[] pixels = new float[per];
                for (int i = 0; i < per; i++) {
                    int v = parse(name, lineNo, fields[i]);
                    if (v < 0 || v > MAX_VALUE) {
                        throw new SmoothcalException(name + " line " + lineNo + ": expected pixel values in [0, "
                                + MAX_VALUE + "], found " + v + " at position " + (i + 1));
                    }
                    pixels[i] = v;
                }
                int label = parse(name, lineNo, fields[per]);
                if (label < 0 || label >= CLASS_NAMES.size()) {
                    throw new SmoothcalException(name + " line " + lineNo + ": expected a label in [0, 9], found " + label);
                }
                rows.add(pixels);
                labels.add(label);
            }
        } catch (IOException e) {
            throw new SmoothcalException("could not read digits data " + name + ": " + e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            throw new SmoothcalException(name + ": expected at least one image, found an empty file");
        }
        float[] images = new float[rows.size() * per];
        int[] y = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, images, i * per, per);
            y[i] = labels.get(i);
        }
        return new Dataset(name, images, y, SHAPE, CLASS_NAMES);
    }

    private static int parse(String name, int lineNo, String field) {
        try {
            return Integer.parseInt(field.trim());
        } catch (NumberFormatException e) {
            throw new SmoothcalException(name + " line " + lineNo + ": expected an integer, found '" + field + "'");
        }
    }
}
