package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Resolves a dataset specification ({@code data}): the name of a built-in dataset or a path. Split names in file
 * names are {@code train}/{@code test}, except IDX which uses {@code train}/{@code t10k}.
 *
 * <ul>
 *   <li>{@code digits}: the embedded UCI optdigits files (train 3,823, test 1,797 images of 8x8).</li>
 *   <li>a file:
 *     <ul>
 *       <li>{@code .csv} or {@code .csv.gz}: digits format, used whatever the split;</li>
 *       <li>{@code .npz}: arrays {@code x_train}/{@code y_train} or {@code x_test}/{@code y_test}, else
 *           {@code images}/{@code labels} (see {@link NumpyLoader});</li>
 *       <li>{@code .bin}: one CIFAR-10 binary batch, used whatever the split.</li>
 *     </ul></li>
 *   <li>a folder, the first of these layouts that it holds for the split:
 *     <ol>
 *       <li>IDX (MNIST family): {@code train-images-idx3-ubyte[.gz]} + {@code train-labels-idx1-ubyte[.gz]},
 *           {@code t10k-images-idx3-ubyte[.gz]} + {@code t10k-labels-idx1-ubyte[.gz]}; class names are known
 *           for Fashion-MNIST by the content of its label files, else are 0..9;</li>
 *       <li>optdigits: {@code optdigits-train.csv[.gz]}, {@code optdigits-test.csv[.gz]};</li>
 *       <li>NumPy, KMNIST naming: {@code PREFIX-train-imgs.npz} + {@code PREFIX-train-labels.npz} (or
 *           {@code .npy}), same for {@code test}; or Keras naming: {@code x_train.npy} + {@code y_train.npy},
 *           {@code x_test.npy} + {@code y_test.npy};</li>
 *       <li>CIFAR-10 binary: {@code data_batch_1.bin} .. {@code data_batch_5.bin} and {@code test_batch.bin},
 *           in the folder or in its {@code cifar-10-batches-bin/} (see {@link Cifar10BinaryLoader});</li>
 *       <li>image folder: one sub-folder per class of PNG/JPEG files, either under {@code train/} and
 *           {@code test/} or directly in the folder (then used whatever the split); see {@link ImageFolderLoader}.</li>
 *     </ol>
 *     A {@code classes.txt} (one name per line) beside IDX or NumPy files names the classes.</li>
 * </ul>
 */
public final class DatasetSource {
    /** Name of the built-in dataset. */
    public static final String DIGITS = "digits";
    private static final String DIGITS_RESOURCE = "/dev/smoothcal/core/data/digits/optdigits-%s.csv.gz";

    /**
     * SHA-256 of the uncompressed Fashion-MNIST label files (train, t10k). They match the published gzip
     * files (MD5 25c81989df183df01b3e8a0aad5dffbe, bb300cfdad3c16e7a12a480ee83cd310) and any re-compression.
     */
    private static final Set<String> FASHION_LABEL_SHA256 = Set.of(
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");
    static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String LAYOUTS = "IDX (train|t10k-images-idx3-ubyte[.gz] + -labels-idx1-ubyte[.gz]), "
            + "optdigits-<split>.csv[.gz], NumPy (*-<split>-imgs.npz + *-<split>-labels.npz, or x_<split>.npy + "
            + "y_<split>.npy), CIFAR-10 binary (data_batch_1..5.bin, test_batch.bin), an image folder "
            + "(one sub-folder per class of PNG/JPEG, optionally under train/ and test/, or images beside a labels.csv), "
            + "or image-folder archives (.tar, .tar.gz, .tgz, .zip; one per split)";

    private DatasetSource() {
    }

    /**
     * Loads {@code split} of the dataset named or located by {@code spec}, within the default memory budget.
     *
     * @param spec a built-in name ({@code digits}) or a file, folder or archive path
     * @param split which split to load
     * @return the loaded split
     * @throws SmoothcalException if the name is unknown, the path is missing, or its layout is not one
     *     of the supported ones; the message lists what was expected
     */
    public static Dataset load(String spec, DatasetSplit split) {
        return load(spec, split, LoadOptions.defaults());
    }

    /**
     * As {@link #load(String, DatasetSplit)} with the options of {@link #load(Path, DatasetSplit, LoadOptions)}
     * for a path (the built-in digits take no options: they are 8x8 grey images in memory).
     *
     * @param spec a built-in name ({@code digits}) or a file, folder or archive path
     * @param split which split to load
     * @param options budget, resize and listener
     * @return the loaded split
     * @throws SmoothcalException as {@link #load(String, DatasetSplit)}
     */
    public static Dataset load(String spec, DatasetSplit split, LoadOptions options) {
        if (spec == null || spec.isBlank()) {
            throw SmoothcalException.invalid("data", "must name a built-in dataset (digits) or a path, found nothing");
        }
        if (spec.equals(DIGITS)) {
            Dataset digits = builtInDigits(split);
            requireResized(digits.name(), digits.shape(), options);
            return digits;
        }
        Path path = Path.of(spec);
        if (!Files.exists(path)) {
            throw SmoothcalException.invalid("data", ": expected the built-in dataset name 'digits' or an existing path, found '"
                    + spec + "' (no such file or folder)");
        }
        return load(path, split, options);
    }

    /**
     * Loads {@code split} of the dataset at {@code path} (a file, an archive or a folder, see the class
     * comment) within the default memory budget ({@link DataLimits#defaults()}).
     *
     * @param path the file or folder
     * @param split the part to load
     * @return the dataset
     * @throws SmoothcalException as {@link #load(Path, DatasetSplit, DataLimits)}
     */
    public static Dataset load(Path path, DatasetSplit split) {
        return load(path, split, DataLimits.defaults());
    }

    /**
     * Loads {@code split} of the dataset at {@code path} within a memory budget: sizes declared by headers
     * and archive entries are checked against what the file can hold and the budget before anything is
     * allocated.
     *
     * @param path the file or folder
     * @param split the part to load
     * @param limits the memory budget
     * @return the dataset
     * @throws SmoothcalException (bad input naming {@code data}) if the path is missing, of an unsupported
     *     type or layout, corrupt, truncated, or bigger than the budget
     */
    public static Dataset load(Path path, DatasetSplit split, DataLimits limits) {
        return load(path, split, LoadOptions.defaults().withLimits(limits));
    }

    /**
     * Loads {@code split} of the dataset at {@code path} with the given options: the memory budget as in
     * {@link #load(Path, DatasetSplit, DataLimits)}; image folders and archives resized to
     * {@link LoadOptions#resize()} when given, and decoding progress reported to the listener.
     *
     * @param path the file or folder
     * @param split the part to load
     * @param options budget, resize and listener
     * @return the dataset
     * @throws SmoothcalException as {@link #load(Path, DatasetSplit, DataLimits)}
     */
    public static Dataset load(Path path, DatasetSplit split, LoadOptions options) {
        Dataset data = loadAsStored(path, split, options);
        requireResized(data.name(), data.shape(), options);
        return data;
    }

    /**
     * Formats other than image folders hold their images at one size, which a resize does not change: a
     * resize to another size is refused rather than ignored.
     */
    private static void requireResized(String name, ImageShape shape, LoadOptions options) {
        options.resize().ifPresent(r -> {
            if (r.height() != shape.height() || r.width() != shape.width()) {
                throw SmoothcalException.invalid("resize", "applies to image folders and archives of them, found "
                        + name + " of " + shape.height() + "x" + shape.width() + " images, not " + r.height() + "x"
                        + r.width());
            }
        });
    }

    private static Dataset loadAsStored(Path path, DatasetSplit split, LoadOptions options) {
        DataLimits limits = options.limits();
        if (!Files.exists(path)) {
            throw SmoothcalException.invalid("data", ": expected an existing file or folder, found nothing at " + path);
        }
        if (Files.isDirectory(path)) {
            return fromFolder(path, split, options);
        }
        if (!Files.isRegularFile(path)) {
            throw SmoothcalException.invalid("data", ": expected a regular file or a folder, found " + path
                    + ", a device or other special file" + (Files.isSymbolicLink(path) ? " (through a symbolic link)" : ""));
        }
        String file = path.getFileName().toString().toLowerCase(Locale.ROOT);
        String name = path.getFileName() + "/" + split.id();
        if (file.endsWith(".csv") || file.endsWith(".csv.gz")) {
            return digitsCsv(path.getFileName().toString(), path, limits);
        }
        if (file.endsWith(".npz")) {
            Optional<List<String>> names = ClassNames.readIfPresent(siblingClassesFile(path));
            return NumpyLoader.archive(name, path, split, names, limits);
        }
        if (file.endsWith(".bin")) {
            Path folder = path.toAbsolutePath().getParent();
            return Cifar10BinaryLoader.load(path.getFileName().toString(), List.of(path),
                    Cifar10BinaryLoader.classNames(folder));
        }
        if (ArchiveTree.kindOf(path).isPresent()) {
            return fromArchive(name, path, split, null, ArchiveTree.Content.ALL, limits).load(options);
        }
        throw SmoothcalException.invalid("data", path + ": expected 'digits', a folder, a digits .csv(.gz), a NumPy "
                + ".npz, a CIFAR-10 .bin file or an image-folder archive (.tar, .tar.gz, .tgz, .zip), found a file of "
                + "unsupported type");
    }

    /**
     * Opens {@code split} of the dataset named or located by {@code spec} as a {@link BatchSource}, within the
     * default memory budget.
     *
     * @param spec {@code digits} or a path
     * @param split the part to open
     * @return the source
     * @throws SmoothcalException as {@link #load(String, DatasetSplit)}
     */
    public static BatchSource open(String spec, DatasetSplit split) {
        return open(spec, split, LoadOptions.defaults());
    }

    /**
     * As {@link #open(String, DatasetSplit)} with the options of {@link #load(Path, DatasetSplit, LoadOptions)}
     * for a path.
     *
     * @param spec {@code digits} or a path
     * @param split the part to open
     * @param options budget, resize and listener
     * @return the source
     * @throws SmoothcalException as {@link #load(String, DatasetSplit)}
     */
    public static BatchSource open(String spec, DatasetSplit split, LoadOptions options) {
        if (spec == null || spec.isBlank() || spec.equals(DIGITS) || !Files.exists(Path.of(spec))) {
            return BatchSource.of(load(spec, split, options));
        }
        return open(Path.of(spec), split, options);
    }

    /**
     * Opens {@code split} of the dataset at {@code path} as a {@link BatchSource}. IDX folders stream from
     * their files (pixels never all in memory, read ahead on a background thread); image folders and
     * image-folder archives (and folders of them) stream too: opening lists the files and reads every
     * image's header, each read then decodes the images on a small pool ahead of the consumer (an archive
     * read again in place, nothing extracted, nothing decoded kept), so memory is bounded by the batch size
     * and the pool, not by N. Every other layout is loaded as by {@link #load(Path, DatasetSplit, DataLimits)}
     * and read from memory. Either way the batches hold exactly the values {@code load} gives.
     *
     * @param path the file or folder
     * @param split the part to open
     * @param limits the memory budget
     * @return the source
     * @throws SmoothcalException as {@link #load(Path, DatasetSplit, DataLimits)}
     */
    public static BatchSource open(Path path, DatasetSplit split, DataLimits limits) {
        return open(path, split, LoadOptions.defaults().withLimits(limits));
    }

    /**
     * As {@link #open(Path, DatasetSplit, DataLimits)} with the options of
     * {@link #load(Path, DatasetSplit, LoadOptions)}.
     *
     * @param path the file or folder
     * @param split the part to open
     * @param options budget, resize and listener
     * @return the source
     */
    public static BatchSource open(Path path, DatasetSplit split, LoadOptions options) {
        DataLimits limits = options.limits();
        if (Files.isDirectory(path)) {
            String idxPrefix = split == DatasetSplit.TRAIN ? "train" : "t10k";
            Optional<Path> images = firstExisting(path, idxPrefix + "-images-idx3-ubyte");
            Optional<Path> labels = firstExisting(path, idxPrefix + "-labels-idx1-ubyte");
            if (images.isPresent() && labels.isPresent()) {
                BatchSource source = IdxLoader.open(path.getFileName() + "/" + split.id(), images.get(), labels.get(),
                        idxClassNames(path, labels.get()), limits);
                requireResized(source.name(), source.shape(), options);
                return source;
            }
        }
        Optional<ImageFolderLoader.Listing> images = Optional.empty();
        String name = path.getFileName() + "/" + split.id();
        if (Files.isDirectory(path) && !hasOtherLayout(path, split)) {
            images = imageListing(name, path, split, ArchiveTree.Content.LABELS, limits);
        } else if (Files.isRegularFile(path) && ArchiveTree.kindOf(path).isPresent()) {
            images = Optional.of(fromArchive(name, path, split, null, ArchiveTree.Content.LABELS, limits));
        }
        if (images.isPresent()) {
            return images.get().open(options);
        }
        return BatchSource.of(load(path, split, options));
    }

    /**
     * Whether {@code dir} holds for the split a layout that comes before image folders in the class
     * comment's order (or a half of one, which {@link #load} refuses).
     */
    private static boolean hasOtherLayout(Path dir, DatasetSplit split) {
        String idxPrefix = split == DatasetSplit.TRAIN ? "train" : "t10k";
        String s = split.id();
        return firstExisting(dir, idxPrefix + "-images-idx3-ubyte").isPresent()
                || firstExisting(dir, idxPrefix + "-labels-idx1-ubyte").isPresent()
                || firstExisting(dir, "optdigits-" + s + ".csv").isPresent()
                || uniqueMatch(dir, "-" + s + "-imgs.npz", "-" + s + "-imgs.npy").isPresent()
                || uniqueMatch(dir, "-" + s + "-labels.npz", "-" + s + "-labels.npy").isPresent()
                || Files.isRegularFile(dir.resolve("x_" + s + ".npy")) || Files.isRegularFile(dir.resolve("y_" + s + ".npy"))
                || Cifar10BinaryLoader.findBatchFolder(dir).isPresent();
    }

    /** The image folder {@code dir} is, or the folder of image-folder archives it holds, if either. */
    private static Optional<ImageFolderLoader.Listing> imageListing(String name, Path dir, DatasetSplit split,
            ArchiveTree.Content content, DataLimits limits) {
        if (ImageFolderLoader.recognises(dir)) {
            return Optional.of(ImageFolderLoader.listSplit(name, dir, split));
        }
        return archiveFolder(name, dir, split, content, limits);
    }

    private static List<String> idxClassNames(Path dir, Path labels) {
        return ClassNames.readIfPresent(dir.resolve(ClassNames.CLASSES_FILE))
                .orElseGet(() -> isFashionLabels(labels) ? FASHION_CLASSES : ClassNames.numbered(10));
    }

    private static ImageFolderLoader.Listing fromArchive(String name, Path archive, DatasetSplit split,
            List<String> classNames, ArchiveTree.Content content, DataLimits limits) {
        ArchiveTree tree = ArchiveTree.read(archive, limits, content);
        if (!ImageFolderLoader.recognises(tree)) {
            throw SmoothcalException.invalid("data", archive + ": expected an image folder inside the archive (one "
                    + "folder per class of PNG/JPEG, optionally under train/ and test/, or images beside a labels.csv), "
                    + "found top-level entries " + tree.folders("").stream().map(f -> f + "/").toList()
                    + tree.files(""));
        }
        return ImageFolderLoader.listSplit(name, tree, split, classNames);
    }

    /**
     * A folder of image-folder archives, one per split ({@code *train*.tar.gz} and {@code *test*.tar.gz}, say,
     * the split found as a word of the file name), or a single archive used whatever the split. Class names
     * are the union over both archives, so both splits share one label mapping.
     */
    private static Optional<ImageFolderLoader.Listing> archiveFolder(String name, Path dir, DatasetSplit split,
            ArchiveTree.Content content, DataLimits limits) {
        List<Path> archives = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(Files::isRegularFile).filter(p -> ArchiveTree.kindOf(p).isPresent())
                    .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(archives::add);
        } catch (IOException e) {
            throw new SmoothcalException("could not list " + dir + ": " + e.getMessage(), e);
        }
        if (archives.isEmpty()) {
            return Optional.empty();
        }
        if (archives.size() == 1) {
            return Optional.of(fromArchive(name, archives.get(0), split, null, content, limits));
        }
        List<Path> mine = archives.stream().filter(p -> namesSplit(p, split)).toList();
        DatasetSplit otherSplit = split == DatasetSplit.TRAIN ? DatasetSplit.TEST : DatasetSplit.TRAIN;
        List<Path> other = archives.stream().filter(p -> namesSplit(p, otherSplit)).toList();
        if (mine.size() != 1 || other.size() > 1) {
            throw SmoothcalException.invalid("data", dir + ": expected one archive per split, each with '"
                    + DatasetSplit.TRAIN.id() + "' or '" + DatasetSplit.TEST.id() + "' as a word of its name, found "
                    + archives.stream().map(p -> p.getFileName().toString()).toList());
        }
        java.util.TreeSet<String> classes = new java.util.TreeSet<>();
        for (Path p : other) {
            classes.addAll(ImageFolderLoader.classNames(ArchiveTree.read(p, limits, ArchiveTree.Content.LABELS)));
        }
        ArchiveTree tree = ArchiveTree.read(mine.get(0), limits, content);
        classes.addAll(ImageFolderLoader.classNames(tree));
        if (!ImageFolderLoader.recognises(tree)) {
            return Optional.of(fromArchive(name, mine.get(0), split, null, content, limits));
        }
        return Optional.of(ImageFolderLoader.listSplit(name, tree, split, List.copyOf(classes)));
    }

    /** Whether the split's id is a word of the file's name ({@code cifar10-test-jpg.tar.gz} names test). */
    private static boolean namesSplit(Path file, DatasetSplit split) {
        for (String word : file.getFileName().toString().toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (word.equals(split.id())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The embedded digits split.
     *
     * @param split which split
     * @return the split, named {@code digits/train} or {@code digits/test}
     */
    public static Dataset builtInDigits(DatasetSplit split) {
        String part = split == DatasetSplit.TRAIN ? "train" : "test";
        String resource = String.format(DIGITS_RESOURCE, part);
        try (InputStream in = DatasetSource.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw SmoothcalException.defect("built-in digits resource missing from the jar: " + resource);
            }
            return DigitsCsvLoader.load(DIGITS + "/" + split.id(), in);
        } catch (IOException e) {
            throw new SmoothcalException("could not read built-in digits data: " + e.getMessage(), e);
        }
    }

    private static Dataset fromFolder(Path dir, DatasetSplit split, LoadOptions options) {
        DataLimits limits = options.limits();
        String name = dir.getFileName() + "/" + split.id();
        String idxPrefix = split == DatasetSplit.TRAIN ? "train" : "t10k";
        Optional<Path> images = firstExisting(dir, idxPrefix + "-images-idx3-ubyte");
        Optional<Path> labels = firstExisting(dir, idxPrefix + "-labels-idx1-ubyte");
        requireBothOrNeither(dir, images, labels, idxPrefix + "-images-idx3-ubyte[.gz]",
                idxPrefix + "-labels-idx1-ubyte[.gz]");
        if (images.isPresent()) {
            return IdxLoader.load(name, images.get(), labels.get(), idxClassNames(dir, labels.get()), limits);
        }
        Optional<Path> csv = firstExisting(dir, "optdigits-" + split.id() + ".csv");
        if (csv.isPresent()) {
            return digitsCsv(name, csv.get(), limits);
        }
        Optional<Dataset> numpy = numpyFolder(name, dir, split, limits);
        if (numpy.isPresent()) {
            return numpy.get();
        }
        Optional<Path> cifar = Cifar10BinaryLoader.findBatchFolder(dir);
        if (cifar.isPresent()) {
            return Cifar10BinaryLoader.loadSplit(name, cifar.get(), split);
        }
        Optional<ImageFolderLoader.Listing> listing = imageListing(name, dir, split, ArchiveTree.Content.ALL, limits);
        if (listing.isPresent()) {
            return listing.get().load(options);
        }
        throw SmoothcalException.invalid("data", dir + ": expected for split '" + split.id() + "' one of " + LAYOUTS
                + "; found " + listing(dir));
    }

    private static Optional<Dataset> numpyFolder(String name, Path dir, DatasetSplit split, DataLimits limits) {
        String s = split.id();
        Optional<Path> images = uniqueMatch(dir, "-" + s + "-imgs.npz", "-" + s + "-imgs.npy");
        Optional<Path> labels = uniqueMatch(dir, "-" + s + "-labels.npz", "-" + s + "-labels.npy");
        requireBothOrNeither(dir, images, labels, "*-" + s + "-imgs.npz", "*-" + s + "-labels.npz");
        if (images.isEmpty()) {
            images = regularFile(dir.resolve("x_" + s + ".npy"));
            labels = regularFile(dir.resolve("y_" + s + ".npy"));
            requireBothOrNeither(dir, images, labels, "x_" + s + ".npy", "y_" + s + ".npy");
        }
        if (images.isEmpty()) {
            return Optional.empty();
        }
        Path x = images.get();
        Path y = labels.get();
        return Optional.of(NumpyLoader.load(name, x, y, ClassNames.readIfPresent(dir.resolve(ClassNames.CLASSES_FILE)),
                limits));
    }

    private static void requireBothOrNeither(Path dir, Optional<Path> a, Optional<Path> b, String aName, String bName) {
        if (a.isPresent() != b.isPresent()) {
            Path found = a.orElseGet(b::get);
            throw SmoothcalException.invalid("data", dir + ": found " + found.getFileName() + " but expected "
                    + (a.isPresent() ? bName : aName) + " beside it, found none");
        }
    }

    /** The one file in {@code dir} whose name ends with one of the suffixes; an error if several do. */
    private static Optional<Path> uniqueMatch(Path dir, String... suffixes) {
        List<Path> matches = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(Files::isRegularFile).sorted().forEach(p -> {
                for (String suffix : suffixes) {
                    if (p.getFileName().toString().endsWith(suffix)) {
                        matches.add(p);
                        break;
                    }
                }
            });
        } catch (IOException e) {
            throw new SmoothcalException("could not list " + dir + ": " + e.getMessage(), e);
        }
        if (matches.size() > 1) {
            throw SmoothcalException.invalid("data", dir + ": expected one file named *" + String.join(" or *", suffixes)
                    + ", found " + matches.stream().map(p -> p.getFileName().toString()).toList());
        }
        return matches.stream().findFirst();
    }

    private static Optional<Path> regularFile(Path p) {
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
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

    private static Path siblingClassesFile(Path file) {
        return file.toAbsolutePath().getParent().resolve(ClassNames.CLASSES_FILE);
    }

    private static Dataset digitsCsv(String name, Path file, DataLimits limits) {
        if (!Files.isRegularFile(file)) {
            throw SmoothcalException.invalid("data", ": expected a regular file, found " + file
                    + ", a device or other special file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return DigitsCsvLoader.load(name, in, limits);
        } catch (IOException e) {
            throw new SmoothcalException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String listing(Path dir) {
        try (Stream<Path> children = Files.list(dir)) {
            List<String> names = children.map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).sorted()
                    .toList();
            if (names.isEmpty()) {
                return "an empty folder";
            }
            return names.size() <= 10 ? names.toString()
                    : names.subList(0, 10) + " and " + (names.size() - 10) + " more";
        } catch (IOException e) {
            return "a folder that cannot be listed (" + e.getMessage() + ")";
        }
    }

    /** Whether the file's uncompressed content is one of the Fashion-MNIST label files. */
    private static boolean isFashionLabels(Path labels) {
        try (InputStream in = new DigestInputStream(CompressedFiles.open(labels), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            String sha = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
            return FASHION_LABEL_SHA256.contains(sha);
        } catch (IOException e) {
            throw new SmoothcalException("could not read " + labels + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw SmoothcalException.defect("SHA-256 is required of every JVM", e);
        }
    }
}
