package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads NumPy {@code .npy} arrays and {@code .npz} archives (a zip of {@code .npy} files, stored or
 * deflated, as {@code numpy.savez} and {@code savez_compressed} write them; the entry of array
 * {@code key} is {@code key.npy}).
 *
 * <p>Arrays: {@code .npy} format 1.0, 2.0 or 3.0, C order (Fortran order is refused), dtypes
 * {@code u1 i1 u2 i2 u4 i4 u8 i8 f4 f8}, little- or big-endian. Images have shape {@code (N, H, W)}
 * (read as one channel) or {@code (N, H, W, C)}; values are kept raw as float32. Labels have an integer
 * dtype and shape {@code (N,)} or {@code (N, 1)}, each in {@code [0, K)}. Without explicit class names,
 * K is the largest label plus one and the names are the label numbers; pass names (e.g. from a
 * {@code classes.txt}) when a split may lack the last class.
 */
public final class NumpyLoader {
    private static final byte[] ZIP_MAGIC = {'P', 'K'};

    private NumpyLoader() {
    }

    /**
     * Loads images and labels from two files, each an {@code .npy} file or an {@code .npz} holding exactly
     * one array (the KMNIST layout: {@code kmnist-test-imgs.npz} and {@code kmnist-test-labels.npz}, each
     * with {@code arr_0.npy}). The container is recognised by its first bytes, not its name.
     *
     * @param name the dataset name to give, also used in error messages
     * @param images the image array file, shape {@code (N, H, W)} or {@code (N, H, W, C)}
     * @param labels the label array file, shape {@code (N,)} or {@code (N, 1)}
     * @return the images with their labels
     */
    public static Dataset load(String name, Path images, Path labels) {
        return toDataset(name, single(images), single(labels), Optional.empty());
    }

    /**
     * As {@link #load(String, Path, Path)} with the given class names, index = label.
     *
     * @param name the dataset name to give, also used in error messages
     * @param images the image array file
     * @param labels the label array file
     * @param classNames the class names, index = label
     * @return the images with their labels
     */
    public static Dataset load(String name, Path images, Path labels, List<String> classNames) {
        return toDataset(name, single(images), single(labels), Optional.of(classNames));
    }

    /**
     * Loads one {@code .npz} holding both arrays by name: {@code x_train}/{@code y_train} or
     * {@code x_test}/{@code y_test} for the split (the Keras {@code mnist.npz} layout); failing those,
     * {@code images}/{@code labels}, used whatever the split.
     *
     * @param name the dataset name to give, also used in error messages
     * @param npz the archive
     * @param split which pair of arrays to read
     * @return the images with their labels
     */
    public static Dataset loadArchive(String name, Path npz, DatasetSplit split) {
        return archive(name, npz, split, Optional.empty());
    }

    /**
     * As {@link #loadArchive(String, Path, DatasetSplit)} with the given class names, index = label.
     *
     * @param name the dataset name to give, also used in error messages
     * @param npz the archive
     * @param split which pair of arrays to read
     * @param classNames the class names, index = label
     * @return the images with their labels
     */
    public static Dataset loadArchive(String name, Path npz, DatasetSplit split, List<String> classNames) {
        return archive(name, npz, split, Optional.of(classNames));
    }

    private static Dataset archive(String name, Path npz, DatasetSplit split, Optional<List<String>> classNames) {
        String suffix = split.id();
        List<List<String>> candidates = List.of(List.of("x_" + suffix, "y_" + suffix), List.of("images", "labels"));
        try (ZipFile zip = openZip(npz)) {
            for (List<String> pair : candidates) {
                ZipEntry x = zip.getEntry(pair.get(0) + ".npy");
                ZipEntry y = zip.getEntry(pair.get(1) + ".npy");
                if (x != null && y != null) {
                    return toDataset(name, entry(zip, x, npz), entry(zip, y, npz), classNames);
                }
            }
            throw new SmoothcalException(npz + ": expected arrays x_" + suffix + " and y_" + suffix
                    + ", or images and labels, found " + arrayNames(zip));
        } catch (IOException e) {
            throw new SmoothcalException("could not read " + npz + ": " + e.getMessage(), e);
        }
    }

    private static Dataset toDataset(String name, NpyArray x, NpyArray y, Optional<List<String>> classNames) {
        int[] s = x.shape();
        if (s.length != 3 && s.length != 4) {
            throw new SmoothcalException(x.source() + ": expected images of shape (N, H, W) or (N, H, W, C), found "
                    + x.shapeText());
        }
        if (s[0] < 1 || s[1] < 1 || s[2] < 1 || (s.length == 4 && s[3] < 1)) {
            throw new SmoothcalException(x.source() + ": expected at least one image of at least 1x1 pixels, found "
                    + "shape " + x.shapeText());
        }
        ImageShape shape = new ImageShape(s[1], s[2], s.length == 4 ? s[3] : 1);
        int[] ls = y.shape();
        if (!(ls.length == 1 || (ls.length == 2 && ls[1] == 1))) {
            throw new SmoothcalException(y.source() + ": expected labels of shape (N,) or (N, 1), found " + y.shapeText());
        }
        if (ls[0] != s[0]) {
            throw new SmoothcalException(y.source() + ": expected as many labels as images (" + s[0] + " in "
                    + x.source() + "), found " + ls[0]);
        }
        int[] labels = y.toLabels();
        List<String> names = classNames.orElseGet(() -> ClassNames.numbered(Arrays.stream(labels).max().orElse(0) + 1));
        ClassNames.requireInRange(labels, names, y.source());
        return new Dataset(name, x.toFloats(), labels, shape, names);
    }

    /** The one array of an {@code .npy} file, or of an {@code .npz} holding exactly one. */
    private static NpyArray single(Path file) {
        try {
            if (!isZip(file)) {
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                    return NpyArray.read(in, file.toString());
                }
            }
            try (ZipFile zip = openZip(file)) {
                List<ZipEntry> arrays = zip.stream().filter(e -> e.getName().endsWith(".npy")).map(e -> (ZipEntry) e)
                        .toList();
                if (arrays.size() != 1) {
                    throw new SmoothcalException(file + ": expected an .npz holding exactly one array, found "
                            + arrayNames(zip));
                }
                return entry(zip, arrays.get(0), file);
            }
        } catch (IOException e) {
            throw new SmoothcalException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isZip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(2), ZIP_MAGIC);
        }
    }

    private static ZipFile openZip(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new SmoothcalException(file + ": expected an .npz (zip) archive, found a file that is not a valid zip: "
                    + e.getMessage(), e);
        }
    }

    private static NpyArray entry(ZipFile zip, ZipEntry entry, Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(zip.getInputStream(entry), 1 << 16)) {
            return NpyArray.read(in, file + "!" + entry.getName());
        }
    }

    private static List<String> arrayNames(ZipFile zip) {
        List<String> names = new ArrayList<>();
        zip.stream().map(ZipEntry::getName).sorted().forEach(n -> names.add(n.endsWith(".npy")
                ? n.substring(0, n.length() - 4) : n));
        return names;
    }
}
