package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Reads an image folder: one sub-folder per class, holding PNG or JPEG files ({@code .png}, {@code .jpg},
 * {@code .jpeg}, any case), decoded with {@code javax.imageio}.
 *
 * <ul>
 *   <li>Class names are the sub-folder names in {@link String#compareTo} order, label = position.
 *       Folders and files whose names start with {@code .} are ignored, as are files of other types;
 *       only files directly inside a class folder are read, in name order.</li>
 *   <li>Every image must have the same width and height. If any image is colour, all are loaded as
 *       RGB (C = 3, grey images repeated into the three channels); otherwise C = 1. Alpha is dropped.</li>
 *   <li>Values are the raw 8-bit samples 0..255. Grey images are read from their samples, never through
 *       a colour conversion; 16-bit grey images are refused. Palette images whose palette is all grey
 *       count as grey.</li>
 * </ul>
 */
public final class ImageFolderLoader {
    /** Sub-folder holding the training split, in the split layout. */
    public static final String TRAIN_FOLDER = "train";
    /** Sub-folder holding the test split, in the split layout. */
    public static final String TEST_FOLDER = "test";

    private ImageFolderLoader() {
    }

    /**
     * Loads {@code root} as a folder of class folders. Class names are its own sub-folder names.
     *
     * @param name the dataset name to give, also used in error messages
     * @param root the folder holding one sub-folder per class
     * @return the images, labels in the sorted order of the class folders
     * @throws SmoothcalException if there is no class folder, no image, an image cannot be decoded, or
     *     sizes differ (the message names the file)
     */
    public static Dataset load(String name, Path root) {
        List<String> classNames = classFolders(List.of(root));
        if (classNames.isEmpty()) {
            throw new SmoothcalException(root + ": expected one sub-folder per class, found none");
        }
        return load(name, root, classNames);
    }

    /**
     * Loads {@code root} with a fixed list of class names, so that two splits share one label mapping. A
     * class without a folder under {@code root} simply has no images.
     *
     * @param name the dataset name to give, also used in error messages
     * @param root the folder holding the class folders
     * @param classNames every class name, index = label
     * @return the images found, labelled by {@code classNames}
     * @throws SmoothcalException if {@code root} has a class folder not in {@code classNames}
     */
    public static Dataset load(String name, Path root, List<String> classNames) {
        List<String> present = classFolders(List.of(root));
        for (String folder : present) {
            if (!classNames.contains(folder)) {
                throw new SmoothcalException(root + ": expected class folders among " + classNames + ", found '"
                        + folder + "'");
            }
        }
        List<Decoded> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int label = 0; label < classNames.size(); label++) {
            Path folder = root.resolve(classNames.get(label));
            if (!Files.isDirectory(folder)) {
                continue;
            }
            for (Path file : imageFiles(folder)) {
                Decoded d = decode(file);
                if (!images.isEmpty()) {
                    Decoded first = images.get(0);
                    if (d.width != first.width || d.height != first.height) {
                        throw new SmoothcalException(file + ": expected every image to be " + first.width + "x"
                                + first.height + " (width x height) like " + first.file + ", found " + d.width + "x"
                                + d.height);
                    }
                }
                images.add(d);
                labels.add(label);
            }
        }
        if (images.isEmpty()) {
            throw new SmoothcalException(root + ": expected PNG or JPEG files in class sub-folders, found none");
        }
        boolean colour = images.stream().anyMatch(d -> d.channels == 3);
        ImageShape shape = new ImageShape(images.get(0).height, images.get(0).width, colour ? 3 : 1);
        long total = (long) images.size() * shape.size();
        if (total > Integer.MAX_VALUE - 8) {
            throw new SmoothcalException(root + ": " + images.size() + " images of " + shape
                    + " do not fit in one array");
        }
        float[] pixels = new float[(int) total];
        int at = 0;
        for (Decoded d : images) {
            int pixelCount = d.width * d.height;
            for (int p = 0; p < pixelCount; p++) {
                for (int c = 0; c < shape.channels(); c++) {
                    pixels[at++] = d.samples[p * d.channels + (d.channels == 1 ? 0 : c)] & 0xff;
                }
            }
        }
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        return new Dataset(name, pixels, y, shape, classNames);
    }

    /**
     * The split layout: if {@code root} has a {@code train/} or {@code test/} folder, loads
     * {@code root/<split>/} with the class names of both split folders together (so both splits share one
     * label mapping); otherwise loads {@code root} itself, whatever the split.
     */
    static Dataset loadSplit(String name, Path root, DatasetSplit split) {
        Path train = root.resolve(TRAIN_FOLDER);
        Path test = root.resolve(TEST_FOLDER);
        if (!Files.isDirectory(train) && !Files.isDirectory(test)) {
            return load(name, root);
        }
        Path wanted = split == DatasetSplit.TRAIN ? train : test;
        if (!Files.isDirectory(wanted)) {
            throw new SmoothcalException(root + ": expected a folder " + wanted.getFileName() + "/ for split '"
                    + split.id() + "' beside " + (split == DatasetSplit.TRAIN ? test : train).getFileName()
                    + "/, found none");
        }
        List<String> classNames = classFolders(List.of(train, test));
        if (classNames.isEmpty()) {
            throw new SmoothcalException(root + ": expected class sub-folders in " + TRAIN_FOLDER + "/ or "
                    + TEST_FOLDER + "/, found none");
        }
        return load(name, wanted, classNames);
    }

    /** Whether {@code root} has a {@code train/} or {@code test/} folder, or a sub-folder holding an image. */
    static boolean recognises(Path root) {
        if (Files.isDirectory(root.resolve(TRAIN_FOLDER)) || Files.isDirectory(root.resolve(TEST_FOLDER))) {
            return true;
        }
        return classFolders(List.of(root)).stream().anyMatch(c -> !imageFiles(root.resolve(c)).isEmpty());
    }

    /**
     * The sorted union of the class-folder names under each root that exists.
     */
    static List<String> classFolders(List<Path> roots) {
        TreeSet<String> names = new TreeSet<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> children = Files.list(root)) {
                children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                        .filter(n -> !n.startsWith(".")).forEach(names::add);
            } catch (IOException e) {
                throw new SmoothcalException("could not list " + root + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(names);
    }

    private static List<Path> imageFiles(Path folder) {
        try (Stream<Path> children = Files.list(folder)) {
            return children.filter(Files::isRegularFile).filter(ImageFolderLoader::isImageName).sorted().toList();
        } catch (IOException e) {
            throw new SmoothcalException("could not list " + folder + ": " + e.getMessage(), e);
        }
    }

    private static boolean isImageName(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    /** One image's 8-bit samples, pixel after pixel, 1 or 3 per pixel. */
    private record Decoded(Path file, int width, int height, int channels, byte[] samples) {
    }

    private static Decoded decode(Path file) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new SmoothcalException(file + ": expected a PNG or JPEG image, javax.imageio could not decode it: "
                    + e.getMessage(), e);
        }
        if (image == null) {
            throw new SmoothcalException(file + ": expected a PNG or JPEG image, found a file no javax.imageio reader "
                    + "recognises");
        }
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        if (model instanceof IndexColorModel palette && greyPalette(palette)) {
            int[] index = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            byte[] out = new byte[index.length];
            for (int i = 0; i < index.length; i++) {
                out[i] = (byte) palette.getRed(index[i]);
            }
            return new Decoded(file, w, h, 1, out);
        }
        if (!(model instanceof IndexColorModel) && model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            int bits = model.getComponentSize(0);
            if (bits != 8) {
                throw new SmoothcalException(file + ": expected 8-bit grey samples, found " + bits + "-bit");
            }
            int[] grey = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            byte[] out = new byte[grey.length];
            for (int i = 0; i < grey.length; i++) {
                out[i] = (byte) grey[i];
            }
            return new Decoded(file, w, h, 1, out);
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        byte[] out = new byte[argb.length * 3];
        for (int i = 0; i < argb.length; i++) {
            out[3 * i] = (byte) (argb[i] >> 16);
            out[3 * i + 1] = (byte) (argb[i] >> 8);
            out[3 * i + 2] = (byte) argb[i];
        }
        return new Decoded(file, w, h, 3, out);
    }

    private static boolean greyPalette(IndexColorModel palette) {
        for (int i = 0; i < palette.getMapSize(); i++) {
            int r = palette.getRed(i);
            if (r != palette.getGreen(i) || r != palette.getBlue(i)) {
                return false;
            }
        }
        return true;
    }
}
