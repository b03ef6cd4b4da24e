package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ObjIntConsumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * An archive of an image folder ({@code .tar}, {@code .tar.gz}/{@code .tgz}, {@code .zip}) read in place,
 * without extracting anything to disk: one pass over the archive keeps the bytes of the image files and
 * label files (still encoded) in memory, within the memory budget.
 *
 * <p>Entry names are checked: an absolute name, a {@code ..} segment, a backslash, a symbolic or hard
 * link, a device or a FIFO is refused, naming the entry, as is an archive that ends early (truncated)
 * or cannot be read. A single top folder that holds {@code train/} or {@code test/} is looked through.
 */
final class ArchiveTree implements ImageTree {
    /** Archive kinds by file name. */
    enum Kind {
        /** Plain tar. */
        TAR,
        /** Gzipped tar, {@code .tar.gz} or {@code .tgz}. */
        TAR_GZ,
        /** Zip, stored or deflated entries. */
        ZIP
    }

    /** What {@link #read} keeps of the archive's files besides their names. */
    enum Content {
        /** The bytes of the labels files ({@code .csv}) only; images are read later, in order ({@link #readInOrder}). */
        LABELS,
        /** The bytes of every image and labels file. */
        ALL
    }

    private final Path archive;
    private final Kind kind;
    private final Content content;
    private final DataLimits limits;
    private final String prefix;
    private final Map<String, byte[]> files;
    /** Width, height and channels of the tar's image entries read with {@link Content#LABELS}, by entry name. */
    private final Map<String, long[]> headers;
    private final TreeMap<String, TreeSet<String>> folders;
    private final TreeMap<String, TreeSet<String>> fileNames;

    private ArchiveTree(Path archive, Kind kind, Content content, DataLimits limits, Map<String, byte[]> files,
            Map<String, long[]> headers, TreeSet<String> folderPaths) {
        this.headers = headers;
        this.archive = archive;
        this.kind = kind;
        this.content = content;
        this.limits = limits;
        this.files = files;
        this.folders = new TreeMap<>();
        this.fileNames = new TreeMap<>();
        folders.put("", new TreeSet<>());
        for (String dir : folderPaths) {
            addFolder(dir);
        }
        for (String file : files.keySet()) {
            int slash = file.lastIndexOf('/');
            String parent = slash < 0 ? "" : file.substring(0, slash);
            addFolder(parent);
            fileNames.computeIfAbsent(parent, k -> new TreeSet<>()).add(file.substring(slash + 1));
        }
        this.prefix = lookThrough();
    }

    private void addFolder(String dir) {
        while (!dir.isEmpty()) {
            folders.computeIfAbsent(dir, k -> new TreeSet<>());
            int slash = dir.lastIndexOf('/');
            String parent = slash < 0 ? "" : dir.substring(0, slash);
            if (!folders.computeIfAbsent(parent, k -> new TreeSet<>()).add(dir.substring(slash + 1))) {
                return;
            }
            dir = parent;
        }
    }

    /** {@code top/} when the archive holds only one top folder and it has {@code train/} or {@code test/}. */
    private String lookThrough() {
        TreeSet<String> top = folders.get("");
        if (top.size() == 1 && !fileNames.containsKey("")) {
            String only = top.first();
            TreeSet<String> inside = folders.getOrDefault(only, new TreeSet<>());
            if (inside.contains(ImageFolderLoader.TRAIN_FOLDER) || inside.contains(ImageFolderLoader.TEST_FOLDER)) {
                return only + "/";
            }
        }
        return "";
    }

    /** The kind of archive {@code file} names, if any. */
    static Optional<Kind> kindOf(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".tar.gz") || n.endsWith(".tgz")) {
            return Optional.of(Kind.TAR_GZ);
        }
        if (n.endsWith(".tar")) {
            return Optional.of(Kind.TAR);
        }
        if (n.endsWith(".zip")) {
            return Optional.of(Kind.ZIP);
        }
        return Optional.empty();
    }

    /**
     * Reads the archive's listing and the bytes of its {@code .csv} files, and of every image with
     * {@link Content#ALL}.
     */
    static ArchiveTree read(Path file, DataLimits limits, Content content) {
        Kind kind = kindOf(file).orElseThrow(() -> SmoothcalException.defect("not an archive name: " + file));
        if (!Files.isRegularFile(file)) {
            throw new SmoothcalException(file + ": expected an archive file, found "
                    + (Files.isDirectory(file) ? "a folder" : "no regular file"));
        }
        Map<String, byte[]> files = new HashMap<>();
        Map<String, long[]> headers = new HashMap<>();
        TreeSet<String> dirs = new TreeSet<>();
        long[] kept = {0};
        io(file, kind, () -> {
            if (kind == Kind.ZIP) {
                readZip(file, limits, content, files, dirs, kept);
            } else {
                readTar(file, kind, limits, content, files, headers, dirs, kept);
            }
        });
        return new ArchiveTree(file, kind, content, limits, files, headers, dirs);
    }

    /** Reading that may fail with an IOException. */
    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    /** Runs {@code action}, an IOException turned into one line naming the archive (truncated or corrupt). */
    private static void io(Path file, Kind kind, IoAction action) {
        try {
            action.run();
        } catch (EOFException e) {
            throw new SmoothcalException(file + ": expected a complete " + describe(kind) + ", found one that ends early"
                    + " (truncated file?)", e);
        } catch (IOException e) {
            throw new SmoothcalException(file + ": expected a readable " + describe(kind) + ", found "
                    + (isTruncation(e) ? "one that ends early (truncated file?)" : "a corrupt one: " + e.getMessage()), e);
        }
    }

    /**
     * With {@link Content#LABELS}, reads the archive again and hands on the images {@code [from, to)} of
     * {@code paths} in that order: a zip by its index, a tar in one pass that stops after the last wanted
     * entry, keeping an entry that comes before its turn (none, in an archive written in name order) within
     * the memory budget.
     */
    @Override
    public void readInOrder(List<String> paths, int from, int to, ObjIntConsumer<byte[]> sink) {
        if (content == Content.ALL) {
            ImageTree.super.readInOrder(paths, from, to, sink);
            return;
        }
        io(archive, kind, () -> {
            if (kind == Kind.ZIP) {
                try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
                    for (int i = from; i < to; i++) {
                        String name = full(paths.get(i));
                        ZipArchiveEntry entry = zip.getEntry(name);
                        if (entry == null) {
                            throw changed(name);
                        }
                        try (InputStream in = zip.getInputStream(entry)) {
                            sink.accept(content(archive, name, in, entry.getSize(), limits, new long[] {0}), i);
                        }
                    }
                }
            } else {
                readTarInOrder(paths, from, to, sink);
            }
        });
    }

    private void readTarInOrder(List<String> paths, int from, int to, ObjIntConsumer<byte[]> sink) throws IOException {
        if (from == to) {
            return;
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = from; i < to; i++) {
            index.put(full(paths.get(i)), i);
        }
        TreeMap<Integer, byte[]> early = new TreeMap<>();
        long[] kept = {0};
        int next = from;
        InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
        try (InputStream in = kind == Kind.TAR_GZ ? new GzipCompressorInputStream(raw) : raw;
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while (next < to && (entry = tar.getNextEntry()) != null) {
                if (!entry.isFile()) {
                    continue;
                }
                String name = checkedName(archive, entry.getName());
                Integer i = index.remove(name);
                if (i == null) {
                    continue;
                }
                byte[] bytes = content(archive, name, tar, entry.getSize(), limits, kept);
                if (i != next) {
                    early.put(i, bytes);
                    continue;
                }
                kept[0] -= bytes.length;
                sink.accept(bytes, next++);
                for (byte[] b = early.remove(next); b != null; b = early.remove(next)) {
                    kept[0] -= b.length;
                    sink.accept(b, next++);
                }
            }
        }
        if (next < to) {
            throw changed(full(paths.get(next)));
        }
    }

    /** The headers kept from the listing pass where every image has one; else read again from the archive. */
    @Override
    public void headersInOrder(List<String> paths, DataLimits budget, ObjIntConsumer<ImageDecoder.Header> sink) {
        List<long[]> found = new ArrayList<>(paths.size());
        for (String p : paths) {
            long[] h = headers.get(full(p));
            if (h == null) {
                ImageTree.super.headersInOrder(paths, budget, sink);
                return;
            }
            found.add(h);
        }
        for (int i = 0; i < paths.size(); i++) {
            long[] h = found.get(i);
            sink.accept(ImageDecoder.withinBudget(new ImageDecoder.Header(display(paths.get(i)), (int) h[0], (int) h[1],
                    (int) h[2]), budget), i);
        }
    }

    private SmoothcalException changed(String name) {
        return new SmoothcalException(archive + ": expected entry '" + name + "' listed when the archive was opened, "
                + "found none (did the archive change since?)");
    }

    private static boolean isTruncation(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("truncated") || m.contains("unexpected end") || m.contains("premature end");
    }

    private static String describe(Kind kind) {
        return switch (kind) {
            case TAR -> "tar archive";
            case TAR_GZ -> "gzipped tar archive";
            case ZIP -> "zip archive";
        };
    }

    private static void readTar(Path file, Kind kind, DataLimits limits, Content content, Map<String, byte[]> files,
            Map<String, long[]> headers, TreeSet<String> dirs, long[] kept) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try (InputStream in = kind == Kind.TAR_GZ ? new GzipCompressorInputStream(raw) : raw;
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = checkedName(file, entry.getName());
                if (entry.isSymbolicLink() || entry.isLink()) {
                    throw refused(file, entry.getName(), "a " + (entry.isLink() ? "hard" : "symbolic") + " link to '"
                            + entry.getLinkName() + "'");
                }
                if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                    throw refused(file, entry.getName(), entry.isFIFO() ? "a FIFO" : "a device");
                }
                if (entry.isDirectory()) {
                    if (!name.isEmpty()) {
                        dirs.add(name);
                    }
                    continue;
                }
                if (!entry.isFile() || name.isEmpty()) {
                    continue;
                }
                files.put(name, kept(content, name) ? content(file, name, tar, entry.getSize(), limits, kept)
                        : null);
                if (content == Content.LABELS && ImageFolderLoader.isImageName(name)) {
                    // the bytes pass by anyway; their header now saves a second pass when the source opens
                    byte[] bytes = content(file, name, tar, entry.getSize(), limits, new long[] {0});
                    ImageDecoder.Header h = ImageDecoder.parsedHeader(file + "!/" + name, bytes);
                    if (h != null) {
                        headers.put(name, new long[] {h.width(), h.height(), h.channels()});
                    }
                }
            }
        }
    }

    private static void readZip(Path file, DataLimits limits, Content content, Map<String, byte[]> files,
            TreeSet<String> dirs, long[] kept) throws IOException {
        try (ZipFile zip = ZipFile.builder().setPath(file).get()) {
            Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                String name = checkedName(file, entry.getName());
                int type = entry.getUnixMode() & 0170000;
                if (entry.isUnixSymlink() || type == 0120000) {
                    throw refused(file, entry.getName(), "a symbolic link");
                }
                if (type == 0020000 || type == 0060000 || type == 0010000) {
                    throw refused(file, entry.getName(), type == 0010000 ? "a FIFO" : "a device");
                }
                if (entry.isDirectory()) {
                    if (!name.isEmpty()) {
                        dirs.add(name);
                    }
                    continue;
                }
                if (name.isEmpty()) {
                    continue;
                }
                byte[] bytes = null;
                if (kept(content, name)) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        bytes = content(file, name, in, entry.getSize(), limits, kept);
                    }
                }
                files.put(name, bytes);
            }
        }
    }

    /** Whether {@link #read} keeps the bytes of entry {@code name}: labels files always, images with ALL. */
    private static boolean kept(Content content, String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || content == Content.ALL && ImageFolderLoader.isImageName(n);
    }

    /** The entry's bytes: no more than it declares, and within the budget with what is already kept. */
    private static byte[] content(Path file, String name, InputStream in, long declared, DataLimits limits,
            long[] kept) throws IOException {
        long size = declared;
        if (size < 0) {
            size = limits.memoryBudgetBytes() - kept[0];
        }
        limits.require(file + ": the encoded files kept from the archive (" + name + " and before)", kept[0] + size);
        if (size > Integer.MAX_VALUE - 8) {
            throw new SmoothcalException(file + "!/" + name + ": expected an image file under 2 GiB, found one that "
                    + "declares " + size + " bytes");
        }
        byte[] bytes = in.readNBytes((int) size);
        if (declared >= 0 && bytes.length != declared) {
            throw new SmoothcalException(file + "!/" + name + ": expected " + declared + " bytes, found "
                    + bytes.length + " (truncated archive?)");
        }
        if (declared < 0 && in.read() != -1) {
            limits.require(file + ": the encoded files kept from the archive (" + name + " and before)",
                    limits.memoryBudgetBytes() + 1);
        }
        kept[0] += bytes.length;
        return bytes;
    }

    /** The entry name without a leading {@code ./} or trailing {@code /}, refused if it could escape. */
    static String checkedName(Path file, String raw) {
        if (raw.startsWith("/") || raw.contains("\\") || raw.matches("^[A-Za-z]:.*") || raw.indexOf('\0') >= 0) {
            throw refused(file, raw, "an absolute or non-portable name");
        }
        List<String> parts = new ArrayList<>();
        for (String part : raw.split("/")) {
            if (part.equals("..")) {
                throw refused(file, raw, "a name that climbs out with '..'");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }

    private static SmoothcalException refused(Path file, String entry, String what) {
        return new SmoothcalException(file + ": expected archive entries to be plain files and folders inside the "
                + "archive, found entry '" + entry + "', " + what);
    }

    private String full(String path) {
        return path.isEmpty() ? prefix.replaceAll("/$", "") : prefix + path;
    }

    @Override
    public boolean isFolder(String path) {
        return folders.containsKey(full(path));
    }

    @Override
    public List<String> folders(String path) {
        return visible(folders.get(full(path)));
    }

    @Override
    public List<String> files(String path) {
        return visible(fileNames.get(full(path)));
    }

    private static List<String> visible(TreeSet<String> names) {
        return names == null ? List.of() : names.stream().filter(n -> !n.startsWith(".")).toList();
    }

    @Override
    public boolean isFile(String path) {
        return files.containsKey(full(path));
    }

    @Override
    public byte[] read(String path) {
        byte[] b = files.get(full(path));
        if (b == null) {
            throw SmoothcalException.defect("archive entry not kept: " + display(path));
        }
        return b;
    }

    @Override
    public String display(String path) {
        return archive + "!/" + full(path);
    }
}
