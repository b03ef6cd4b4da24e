package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Resolves the {@code --data} argument: the name of a built-in dataset or a path.
 *
 * <ul>
 *   <li>{@code digits}: the embedded UCI optdigits files (train 3,823, test 1,797 images of 8x8).</li>
 *   <li>a folder holding {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
 *       {@code t10k-images-idx3-ubyte[.gz]} and {@code t10k-labels-idx1-ubyte[.gz]} (MNIST family);
 *       class names come from a {@code classes.txt} beside them (one per line), or are known for
 *       Fashion-MNIST by the checksums of its label files, else are the label numbers.</li>
 *   <li>a folder holding {@code optdigits-train.csv[.gz]} and {@code optdigits-test.csv[.gz]}.</li>
 *   <li>a single digits-format {@code .csv} or {@code .csv.gz} file, used whatever the split.</li>
 * </ul>
 */
public final class DatasetSource {
    /** Name of the built-in dataset. */
    public static final String DIGITS = "digits";
    private static final String DIGITS_RESOURCE = "/dev/smoothcal/core/data/digits/optdigits-%s.csv.gz";

    /** MD5 of the Fashion-MNIST label files (gzip), as published with the dataset. */
    private static final Map<String, String> FASHION_LABEL_MD5 = Map.of(
            "25c81989df183df01b3e8a0aad5dffbe", "train",
            "bb300cfdad3c16e7a12a480ee83cd310", "t10k");
    static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private DatasetSource() {
    }

    /**
     * Loads {@code split} of the dataset named or located by {@code spec}.
     *
     * @throws SmoothcalException if the name is unknown, the path is missing, or its layout is not one
     *     of the supported ones; the message lists what was expected
     */
    public static Dataset load(String spec, DatasetSplit split) {
        if (spec == null || spec.isBlank()) {
            throw new SmoothcalException("--data must name a built-in dataset (digits) or a path, found nothing");
        }
        if (spec.equals(DIGITS)) {
            return builtInDigits(split);
        }
        Path path = Path.of(spec);
        if (!Files.exists(path)) {
            throw new SmoothcalException("--data: expected the built-in dataset name 'digits' or an existing path, found '"
                    + spec + "' (no such file or folder)");
        }
        if (Files.isDirectory(path)) {
            return fromFolder(path, split);
        }
        String file = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (file.endsWith(".csv") || file.endsWith(".csv.gz")) {
            try (InputStream in = Files.newInputStream(path)) {
                return DigitsCsvLoader.load(path.getFileName().toString(), in);
            } catch (IOException e) {
                throw new SmoothcalException("could not read " + path + ": " + e.getMessage(), e);
            }
        }
        throw new SmoothcalException("--data " + spec + ": expected 'digits', a folder of IDX or optdigits files, or a "
                + "digits .csv(.gz) file, found a file of unsupported type");
    }

    /** The embedded digits split. */
    public static Dataset builtInDigits(DatasetSplit split) {
        String part = split == DatasetSplit.TRAIN ? "train" : "test";
        String resource = String.format(DIGITS_RESOURCE, part);
        try (InputStream in = DatasetSource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("built-in digits resource missing from the jar: " + resource);
            }
            return DigitsCsvLoader.load(DIGITS + "/" + split.cliName(), in);
        } catch (IOException e) {
            throw new SmoothcalException("could not read built-in digits data: " + e.getMessage(), e);
        }
    }

    private static Dataset fromFolder(Path dir, DatasetSplit split) {
        String prefix = split == DatasetSplit.TRAIN ? "train" : "t10k";
        Optional<Path> images = firstExisting(dir, prefix + "-images-idx3-ubyte");
        Optional<Path> labels = firstExisting(dir, prefix + "-labels-idx1-ubyte");
        if (images.isPresent() && labels.isPresent()) {
            String name = dir.getFileName() + "/" + split.cliName();
            return IdxLoader.load(name, images.get(), labels.get(), classNames(dir, labels.get()));
        }
        Optional<Path> csv = firstExisting(dir, "optdigits-" + (split == DatasetSplit.TRAIN ? "train" : "test") + ".csv");
        if (csv.isPresent()) {
            try (InputStream in = Files.newInputStream(csv.get())) {
                return DigitsCsvLoader.load(dir.getFileName() + "/" + split.cliName(), in);
            } catch (IOException e) {
                throw new SmoothcalException("could not read " + csv.get() + ": " + e.getMessage(), e);
            }
        }
        throw new SmoothcalException("--data " + dir + ": expected " + prefix + "-images-idx3-ubyte[.gz] and " + prefix
                + "-labels-idx1-ubyte[.gz] (IDX) or optdigits-" + split.cliName()
                + ".csv[.gz] for split '" + split.cliName() + "', found neither");
    }

    private static Optional<Path> firstExisting(Path dir, String base) {
        for (String candidate : List.of(base + ".gz", base)) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static List<String> classNames(Path dir, Path labels) {
        Path names = dir.resolve("classes.txt");
        if (Files.isRegularFile(names)) {
            try {
                List<String> lines = Files.readAllLines(names, StandardCharsets.UTF_8).stream()
                        .map(String::strip).filter(s -> !s.isEmpty()).toList();
                if (lines.isEmpty()) {
                    throw new SmoothcalException(names + ": expected one class name per line, found none");
                }
                return lines;
            } catch (IOException e) {
                throw new SmoothcalException("could not read " + names + ": " + e.getMessage(), e);
            }
        }
        if (FASHION_LABEL_MD5.containsKey(md5(labels))) {
            return FASHION_CLASSES;
        }
        return IntStream.range(0, 10).mapToObj(Integer::toString).toList();
    }

    private static String md5(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("MD5"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new SmoothcalException("could not read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
