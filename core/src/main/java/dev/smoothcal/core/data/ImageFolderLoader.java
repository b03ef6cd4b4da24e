package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageDecoder.Decoded;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads an image folder, on disk or in an archive ({@link ArchiveTree}): one sub-folder per class
 * holding PNG or JPEG files ({@code .png}, {@code .jpg}, {@code .jpeg}, any case), or images beside a
 * {@value #LABELS_FILE}; decoded with {@code javax.imageio} on a small pool of threads.
 *
 * <ul>
 *   <li>Class names are the sub-folder names in {@link String#compareTo} order, label = position.
 *       Folders and files whose names start with {@code .} are ignored, as are files of other types;
 *       only files directly inside a class folder are read, in name order. A class folder without an
 *       image is an error naming it.</li>
 *   <li>Labels file: a folder holding {@value #LABELS_FILE} ({@code id,label} with that header, UTF-8) takes
 *       its labels from it: {@code id} is an image's path relative to the folder, with or without its
 *       {@code .png}/{@code .jpg}/{@code .jpeg} extension; class names are the distinct labels in
 *       {@link String#compareTo} order; samples come in the file's row order. A row naming a missing file,
 *       a file named twice and an image beside the file without a row are errors. In the split layout each
 *       split folder may hold its own {@value #LABELS_FILE}, or (Kaggle's layout) {@code trainLabels.csv} and
 *       {@code testLabels.csv} beside {@code train/} and {@code test/} label them, ids relative to the split
 *       folder, the {@code id,label} header optional.</li>
 *   <li>Every image must have the same width and height. If any image is colour, all are loaded as
 *       RGB (C = 3, grey images repeated into the three channels); otherwise C = 1. Alpha is dropped.</li>
 *   <li>Values are the raw 8-bit samples 0..255. Grey images are read from their samples, never through
 *       a colour conversion; 16-bit grey images are refused. Palette images whose palette is all grey
 *       count as grey.</li>
 *   <li>Symbolic links on disk are followed only inside the dataset folder and never into a loop
 *       ({@link FileTree}).</li>
 * </ul>
 */
public final class ImageFolderLoader {
    /** Sub-folder holding the training split, in the split layout. */
    public static final String TRAIN_FOLDER = "train";
    /** Sub-folder holding the test split, in the split layout. */
    public static final String TEST_FOLDER = "test";
    /**
     * Suffix of the per-split labels file beside the split folders, Kaggle's layout: {@code trainLabels.csv}
     * labels the images of {@code train/} (ids relative to it), {@code testLabels.csv} those of {@code test/}.
     */
    public static final String SPLIT_LABELS_SUFFIX = "Labels.csv";

    /** The labels file of the labels layout. */
    public static final String LABELS_FILE = "labels.csv";
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".PNG", ".JPG", ".JPEG");

    private ImageFolderLoader() {
    }

    /**
     * Loads {@code root} as a folder of class folders (or of images beside a labels file). Class names are
     * its own sub-folder names.
     *
     * @param name the dataset name to give, also used in error messages
     * @param root the folder holding one sub-folder per class, or images beside a labels file
     * @return the images, labels in the sorted order of the class names
     * @throws SmoothcalException if there is no class folder, no image, an image cannot be decoded, or
     *     sizes differ (the message names the file)
     */
    public static Dataset load(String name, Path root) {
        return listFlat(name, new FileTree(root)).load(LoadOptions.defaults());
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
        return list(name, new FileTree(root), "", classNames).load(LoadOptions.defaults());
    }

    private static Listing listFlat(String name, ImageTree tree) {
        if (tree.isFile(LABELS_FILE)) {
            return labelled(name, tree, "", labelsOf(tree, List.of(LABELS_FILE)));
        }
        List<String> classNames = classFolders(tree, List.of(""));
        if (classNames.isEmpty()) {
            throw new SmoothcalException(tree.display("") + ": expected one sub-folder per class, found none");
        }
        return list(name, tree, "", classNames);
    }

    /** The images of the class folders of {@code base}, labelled by {@code classNames}. */
    static Listing list(String name, ImageTree tree, String base, List<String> classNames) {
        for (String folder : tree.folders(base)) {
            if (!classNames.contains(folder)) {
                throw new SmoothcalException(tree.display(base) + ": expected class folders among " + classNames
                        + ", found '" + folder + "'");
            }
        }
        List<String> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int label = 0; label < classNames.size(); label++) {
            String folder = ImageTree.join(base, classNames.get(label));
            if (!tree.isFolder(folder)) {
                continue;
            }
            List<String> images = imageFiles(tree, folder);
            if (images.isEmpty()) {
                throw new SmoothcalException(tree.display(folder) + ": expected PNG or JPEG files in class folder '"
                        + classNames.get(label) + "', found none (an empty class)");
            }
            for (String file : images) {
                files.add(ImageTree.join(folder, file));
                labels.add(label);
            }
        }
        if (files.isEmpty()) {
            throw new SmoothcalException(tree.display(base) + ": expected PNG or JPEG files in class sub-folders, "
                    + "found none");
        }
        return new Listing(name, tree, base, files, labels.stream().mapToInt(Integer::intValue).toArray(), classNames);
    }

    /**
     * The split layout: if {@code tree} has a {@code train/} or {@code test/} folder, loads
     * {@code <split>/} with the class names of both split folders together (so both splits share one
     * label mapping); otherwise loads the root itself, whatever the split.
     */
    static Listing listSplit(String name, ImageTree tree, DatasetSplit split) {
        return listSplit(name, tree, split, null);
    }

    /** As {@link #listSplit(String, ImageTree, DatasetSplit)} with given class names, or null. */
    static Listing listSplit(String name, ImageTree tree, DatasetSplit split, List<String> classNames) {
        boolean hasTrain = tree.isFolder(TRAIN_FOLDER);
        boolean hasTest = tree.isFolder(TEST_FOLDER);
        if (!hasTrain && !hasTest) {
            if (classNames != null && !tree.isFile(LABELS_FILE)) {
                return list(name, tree, "", classNames);
            }
            return listFlat(name, tree);
        }
        String wanted = split == DatasetSplit.TRAIN ? TRAIN_FOLDER : TEST_FOLDER;
        if (!tree.isFolder(wanted)) {
            throw new SmoothcalException(tree.display("") + ": expected a folder " + wanted + "/ for split '"
                    + split.id() + "' beside " + (split == DatasetSplit.TRAIN ? TEST_FOLDER : TRAIN_FOLDER)
                    + "/, found none");
        }
        String csv = ImageTree.join(wanted, LABELS_FILE);
        if (tree.isFile(csv)) {
            List<String> csvs = new ArrayList<>();
            for (String s : List.of(TRAIN_FOLDER, TEST_FOLDER)) {
                if (tree.isFile(ImageTree.join(s, LABELS_FILE))) {
                    csvs.add(ImageTree.join(s, LABELS_FILE));
                }
            }
            Labels labels = labelsOf(tree, csvs);
            return labelled(name, tree, wanted, classNames == null ? labels : labels.withClasses(classNames, tree));
        }
        String kaggle = wanted + SPLIT_LABELS_SUFFIX;
        if (tree.isFile(kaggle)) {
            List<String> csvs = new ArrayList<>();
            for (String s : List.of(TRAIN_FOLDER, TEST_FOLDER)) {
                if (tree.isFile(s + SPLIT_LABELS_SUFFIX)) {
                    csvs.add(s + SPLIT_LABELS_SUFFIX);
                }
            }
            Labels labels = labelsOf(tree, csvs, false);
            return labelled(name, tree, wanted, kaggle,
                    classNames == null ? labels : labels.withClasses(classNames, tree));
        }
        List<String> names = classNames != null ? classNames : classFolders(tree, List.of(TRAIN_FOLDER, TEST_FOLDER));
        if (names.isEmpty()) {
            throw new SmoothcalException(tree.display("") + ": expected class sub-folders in " + TRAIN_FOLDER + "/ or "
                    + TEST_FOLDER + "/, found none");
        }
        return list(name, tree, wanted, names);
    }

    /** The class names {@code tree} gives both splits (class folders or labels), as {@link #loadSplit} uses. */
    static List<String> classNames(ImageTree tree) {
        boolean split = tree.isFolder(TRAIN_FOLDER) || tree.isFolder(TEST_FOLDER);
        List<String> csvs = new ArrayList<>();
        for (String base : split ? List.of(TRAIN_FOLDER, TEST_FOLDER) : List.of("")) {
            if (tree.isFile(ImageTree.join(base, LABELS_FILE))) {
                csvs.add(ImageTree.join(base, LABELS_FILE));
            }
        }
        if (!csvs.isEmpty()) {
            return labelsOf(tree, csvs).classNames;
        }
        return classFolders(tree, split ? List.of(TRAIN_FOLDER, TEST_FOLDER) : List.of(""));
    }

    /** Loads a folder on disk in the split layout or as one folder. */
    static Listing listSplit(String name, Path root, DatasetSplit split) {
        return listSplit(name, new FileTree(root), split);
    }

    /**
     * Whether {@code root} has a {@code train/} or {@code test/} folder, a labels file, or a sub-folder
     * holding an image.
     */
    static boolean recognises(Path root) {
        return recognises(new FileTree(root));
    }

    static boolean recognises(ImageTree tree) {
        if (tree.isFolder(TRAIN_FOLDER) || tree.isFolder(TEST_FOLDER) || tree.isFile(LABELS_FILE)) {
            return true;
        }
        return tree.folders("").stream().anyMatch(c -> !imageFiles(tree, c).isEmpty());
    }

    /** The sorted union of the class-folder names under each base that exists. */
    static List<String> classFolders(ImageTree tree, List<String> bases) {
        TreeSet<String> names = new TreeSet<>();
        for (String base : bases) {
            names.addAll(tree.folders(base));
        }
        return List.copyOf(names);
    }

    private static List<String> imageFiles(ImageTree tree, String folder) {
        return tree.files(folder).stream().filter(ImageFolderLoader::isImageName).toList();
    }

    static boolean isImageName(String file) {
        String n = file.toLowerCase(Locale.ROOT);
        int slash = n.lastIndexOf('/');
        return !n.startsWith(".", slash + 1) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    /**
     * The images of one split in sample order, with their labels and the class names: what a load decodes
     * into memory ({@link #load}) or a source streams ({@link #open}).
     */
    record Listing(String name, ImageTree tree, String base, List<String> files, int[] labels,
            List<String> classNames) {
        /** Decodes every image into one in-memory dataset. */
        Dataset load(LoadOptions options) {
            return assemble(this, options);
        }

        /** A source that decodes the images batch by batch, ahead of its consumer. */
        BatchSource open(LoadOptions options) {
            return ImageFolderSource.open(this, options);
        }
    }

    /** Rows of one or more labels files: file path (relative to its folder) to label, and the class names. */
    private record Labels(Map<String, Map<String, String>> rowsByFile, List<String> classNames) {
        Labels withClasses(List<String> names, ImageTree tree) {
            for (Map.Entry<String, Map<String, String>> f : rowsByFile.entrySet()) {
                for (String label : f.getValue().values()) {
                    if (!names.contains(label)) {
                        throw new SmoothcalException(tree.display(f.getKey()) + ": expected labels among " + names
                                + ", found '" + label + "'");
                    }
                }
            }
            return new Labels(rowsByFile, names);
        }
    }

    /** Parses the labels files; class names are the union of their labels, sorted. */
    private static Labels labelsOf(ImageTree tree, List<String> csvFiles) {
        return labelsOf(tree, csvFiles, true);
    }

    /**
     * As {@link #labelsOf(ImageTree, List)}; without {@code headerRequired} a first line {@code id,label} is
     * a header and any other first line is a row (Kaggle's files come both ways).
     */
    private static Labels labelsOf(ImageTree tree, List<String> csvFiles, boolean headerRequired) {
        Map<String, Map<String, String>> byFile = new LinkedHashMap<>();
        TreeSet<String> classes = new TreeSet<>();
        for (String csv : csvFiles) {
            String text = new String(tree.read(csv), StandardCharsets.UTF_8);
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            String[] lines = text.split("\r?\n", -1);
            boolean header = lines[0].strip().replace(" ", "").equalsIgnoreCase("id,label");
            if (!header && headerRequired) {
                throw new SmoothcalException(tree.display(csv) + ": expected the header 'id,label' on line 1, found '"
                        + abbreviate(lines[0]) + "'");
            }
            Map<String, String> rows = new LinkedHashMap<>();
            for (int i = header ? 1 : 0; i < lines.length; i++) {
                if (lines[i].isBlank()) {
                    continue;
                }
                String[] fields = lines[i].split(",", -1);
                if (fields.length != 2 || unquote(fields[0]).isEmpty() || unquote(fields[1]).isEmpty()) {
                    throw new SmoothcalException(tree.display(csv) + " line " + (i + 1) + ": expected 'id,label' (two "
                            + "non-empty fields), found '" + abbreviate(lines[i]) + "'");
                }
                String id = unquote(fields[0]);
                if (rows.put(id, unquote(fields[1])) != null) {
                    throw new SmoothcalException(tree.display(csv) + " line " + (i + 1) + ": expected each id once, "
                            + "found '" + id + "' again");
                }
                classes.add(unquote(fields[1]));
            }
            if (rows.isEmpty()) {
                throw new SmoothcalException(tree.display(csv) + ": expected at least one 'id,label' row, found none");
            }
            byFile.put(csv, rows);
        }
        return new Labels(byFile, List.copyOf(classes));
    }

    private static String unquote(String field) {
        String f = field.strip();
        if (f.length() >= 2 && f.startsWith("\"") && f.endsWith("\"")) {
            f = f.substring(1, f.length() - 1).strip();
        }
        return f;
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }

    /** The labels layout: the images of folder {@code base}, labelled by {@code base/labels.csv}. */
    private static Listing labelled(String name, ImageTree tree, String base, Labels labels) {
        return labelled(name, tree, base, ImageTree.join(base, LABELS_FILE), labels);
    }

    /** The images of folder {@code base}, labelled by {@code csv} (ids relative to {@code base}). */
    private static Listing labelled(String name, ImageTree tree, String base, String csv, Labels labels) {
        Map<String, String> rows = labels.rowsByFile.get(csv);
        List<String> files = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        Set<String> named = new HashSet<>();
        for (Map.Entry<String, String> row : rows.entrySet()) {
            String file = resolveId(tree, base, row.getKey(), csv);
            if (!named.add(file)) {
                throw new SmoothcalException(tree.display(csv) + ": expected each image named once, found "
                        + tree.display(file) + " named twice (id '" + row.getKey() + "')");
            }
            files.add(file);
            y.add(labels.classNames.indexOf(row.getValue()));
        }
        for (String image : imageFiles(tree, base)) {
            if (!named.contains(ImageTree.join(base, image))) {
                throw new SmoothcalException(tree.display(ImageTree.join(base, image)) + ": expected a row in "
                        + tree.display(csv) + " for every image beside it, found none for this one");
            }
        }
        return new Listing(name, tree, base, files, y.stream().mapToInt(Integer::intValue).toArray(),
                labels.classNames);
    }

    private static String resolveId(ImageTree tree, String base, String id, String csv) {
        String exact = ImageTree.join(base, id);
        if (!id.contains("..") && !id.startsWith("/")) {
            if (isImageName(exact) && tree.isFile(exact)) {
                return exact;
            }
            for (String ext : EXTENSIONS) {
                if (tree.isFile(exact + ext)) {
                    return exact + ext;
                }
            }
        }
        throw new SmoothcalException(tree.display(csv) + ": expected an image file for id '" + id + "' (" + id
                + " or " + id + ".png/.jpg/.jpeg beside it), found none");
    }

    /** Decodes {@code files} (paths in {@code tree}) in parallel and lays them out NHWC. */
    private static Dataset assemble(Listing listing, LoadOptions options) {
        ImageTree tree = listing.tree();
        String base = listing.base();
        List<String> files = listing.files();
        int n = files.size();
        Decoded first = ImageDecoder.decode(tree, files.get(0), options.limits());
        Resize resize = options.resize().orElse(null);
        int width = resize == null ? first.width() : resize.width();
        int height = resize == null ? first.height() : resize.height();
        long perImage = (long) width * height * 3;
        options.limits().require(tree.display(base) + ": " + n + " images of " + width + "x" + height
                + " (up to 3 channels, float32 and their 8-bit samples)", perImage * n * (4 + 1));
        Decoded[] decoded = decodeAll(tree, files, first, options);
        boolean colour = false;
        for (int i = 0; i < n; i++) {
            Decoded d = decoded[i];
            if (resize != null) {
                d = new Decoded(d.file(), width, height, d.channels(), resize.apply(d.samples(), d.height(), d.width(),
                        d.channels()));
                decoded[i] = d;
            } else if (d.width() != first.width() || d.height() != first.height()) {
                throw new SmoothcalException(d.file() + ": expected every image to be " + first.width() + "x"
                        + first.height() + " (width x height) like " + first.file() + ", found " + d.width() + "x"
                        + d.height() + " (give a resize rule to bring them to one size)");
            }
            colour |= d.channels() == 3;
        }
        ImageShape shape = new ImageShape(height, width, colour ? 3 : 1);
        long total = (long) n * shape.size();
        if (total > Integer.MAX_VALUE - 8) {
            throw new SmoothcalException(tree.display(base) + ": " + n + " images of " + shape
                    + " do not fit in one array");
        }
        float[] pixels = new float[(int) total];
        for (int i = 0; i < n; i++) {
            toFloat(decoded[i], shape.channels(), pixels, i * shape.size());
        }
        return new Dataset(listing.name(), pixels, listing.labels(), shape, listing.classNames());
    }

    /**
     * Writes one image's samples as float32 at {@code at}: as they are when the channels match, a grey image's
     * sample repeated into R, G, B when {@code channels} is 3.
     */
    static void toFloat(Decoded d, int channels, float[] out, int at) {
        byte[] s = d.samples();
        if (d.channels() == channels) {
            for (int j = 0; j < s.length; j++) {
                out[at + j] = s[j] & 0xff;
            }
            return;
        }
        if (d.channels() != 1 || channels != 3) {
            throw SmoothcalException.defect(d.file() + ": " + d.channels() + " channels cannot be laid out as "
                    + channels);
        }
        for (int p = 0; p < s.length; p++) {
            float v = s[p] & 0xff;
            out[at + 3 * p] = v;
            out[at + 3 * p + 1] = v;
            out[at + 3 * p + 2] = v;
        }
    }

    /** Threads decoding images: up to 4, never more than the processors. */
    static int decodeThreads() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    private static Decoded[] decodeAll(ImageTree tree, List<String> files, Decoded first, LoadOptions options) {
        int n = files.size();
        Decoded[] out = new Decoded[n];
        out[0] = first;
        int threads = decodeThreads();
        if (threads == 1 || n < 64) {
            for (int i = 1; i < n; i++) {
                out[i] = ImageDecoder.decode(tree, files.get(i), options.limits());
            }
            options.listener().decoded(n, n);
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "smoothcal-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            int chunk = 256;
            List<Future<?>> futures = new ArrayList<>();
            for (int from = 1; from < n; from += chunk) {
                int lo = from;
                int hi = Math.min(n, from + chunk);
                futures.add(pool.submit(() -> {
                    for (int i = lo; i < hi; i++) {
                        out[i] = ImageDecoder.decode(tree, files.get(i), options.limits());
                    }
                }));
            }
            int done = 1;
            for (Future<?> f : futures) {
                try {
                    f.get();
                    done = Math.min(n, done + chunk);
                    options.listener().decoded(done, n);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw SmoothcalException.defect("image decoding failed: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw SmoothcalException.defect("interrupted while decoding images", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }
}
