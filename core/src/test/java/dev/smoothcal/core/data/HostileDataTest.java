package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.SpecFiles.Compression;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile data at the library level: bombs, lying headers, truncations, NaN/Inf and huge pixels, path
 * traversal, links and devices in archives, symlinks out of the dataset and loops, broken label files.
 * Each case must fail with one bad-input line naming {@code data} (or a file) and the cause, never with
 * an {@link OutOfMemoryError} or a stack of vendor exceptions, and must leave nothing behind.
 */
class HostileDataTest {
    /** A budget small enough that a few megabytes of real data exceed it. */
    private static final DataLimits ONE_MIB = new DataLimits(1 << 20);
    private static final byte[] PNG = ArchiveFiles.png(2, 2, 0, false);

    @TempDir
    Path dir;

    /** Builds the hostile input under a folder and returns the path to load. */
    @FunctionalInterface
    interface Maker {
        Path make(Path dir) throws IOException;
    }

    /**
     * @param name what the case is
     * @param maker writes the input
     * @param limits the budget to load within
     * @param parameter the parameter the error must name, or empty for a file-level message
     * @param fragment a part of the one-line message
     */
    record Case(String name, Maker maker, DataLimits limits, Optional<String> parameter, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case file(String name, Maker maker, String fragment) {
        return new Case(name, maker, DataLimits.defaults(), Optional.empty(), fragment);
    }

    private static Case data(String name, Maker maker, DataLimits limits, String fragment) {
        return new Case(name, maker, limits, Optional.of("data"), fragment);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // bombs and lying sizes
                data("IDX .gz declaring 2e9 images, bytes really there, beyond the budget", d -> idxFolder(d,
                        new int[] {2_000_000, 1, 1}, 2_000_000), ONE_MIB, "beyond the memory budget of 1.0 MiB"),
                file("IDX .gz declaring 2e9 images it cannot hold", d -> idxFolder(d, new int[] {2_000_000_000, 1, 1}, 10),
                        "more than a compressed file of"),
                file("IDX plain declaring more images than bytes", d -> idxPlain(d, new int[] {1_000_000, 28, 28}, 784),
                        "(truncated file?)"),
                file("IDX declaring 2^31 x 2^31 pixels", d -> idxFolder(d, new int[] {2, 65536, 65536}, 10),
                        "more than a compressed file of"),
                data("npz deflated, shape beyond the budget", d -> npz(d, new int[] {2_000_000, 1, 1}, 2_000_000, true),
                        ONE_MIB, "beyond the memory budget of 1.0 MiB"),
                file("npz deflated, shape it cannot hold", d -> npz(d, new int[] {2_000_000_000, 1, 1}, 10, true),
                        "more than a compressed file of"),
                file("npz stored, shape beyond its bytes", d -> npz(d, new int[] {1000, 28, 28}, 10, false),
                        "(truncated file?)"),
                data("npz shape whose product overflows 64 bits", d -> npz(d, new int[] {2_000_000_000, 2_000_000_000,
                        2_000_000_000, 2_000_000_000}, 10, false), DataLimits.defaults(), "more than 2^63 bytes"),
                data("digits .csv symlinked to /dev/zero", HostileDataTest::csvToDevZero, DataLimits.defaults(),
                        "a device or other special file"),
                file("digits .csv.gz of one endless line", HostileDataTest::endlessLine, "expected a line of at most 4096"),
                data("digits .csv.gz of more rows than the budget", HostileDataTest::manyRows, ONE_MIB,
                        "beyond the memory budget"),
                data("PNG whose header declares 100000x100000", d -> imageFolder(d, pngDeclaring(100_000, 100_000)),
                        DataLimits.defaults(), "an image of 100000x100000"),
                data("image folder beyond the budget", HostileDataTest::bigImageFolder, ONE_MIB, "beyond the memory budget"),
                data("tar.gz whose entries exceed the budget", HostileDataTest::bigTar, ONE_MIB,
                        "the encoded files kept from the archive"),
                // pixels
                file("npy float32 NaN pixel", d -> npyPixels(d, Float.NaN), "expected finite pixel values"),
                file("npy float32 +Inf pixel", d -> npyPixels(d, Float.POSITIVE_INFINITY), "expected finite pixel values"),
                file("npy float32 3e38 pixel", d -> npyPixels(d, 3e38f), "found 3.0E38 in sample 1"),
                file("npy float32 -3e38 pixel", d -> npyPixels(d, -3e38f), "found -3.0E38"),
                // archives: names, links, devices, truncation
                file("tar entry climbing out with ..", d -> tarWith(d, "train/cat/../../../evil.png"), "climbs out with '..'"),
                file("tar entry with an absolute name", d -> tarWith(d, "/etc/cat/x.png"), "an absolute or non-portable name"),
                file("tar entry with a backslash", d -> tarWith(d, "cat\\..\\x.png"), "an absolute or non-portable name"),
                file("tar symbolic link", d -> tarLink(d, TarConstants.LF_SYMLINK), "a symbolic link to '/etc/passwd'"),
                file("tar hard link", d -> tarLink(d, TarConstants.LF_LINK), "a hard link to '/etc/passwd'"),
                file("tar character device", d -> tarLink(d, TarConstants.LF_CHR), "a device"),
                file("tar block device", d -> tarLink(d, TarConstants.LF_BLK), "a device"),
                file("tar FIFO", d -> tarLink(d, TarConstants.LF_FIFO), "a FIFO"),
                file("truncated .tar.gz", d -> truncated(d, "t.tar.gz", true), "ends early (truncated file?)"),
                file("truncated .tar", d -> truncated(d, "t.tar", false), "truncated"),
                file("garbage .tgz", d -> Files.write(d.resolve("g.tgz"), "not gzip at all".getBytes(StandardCharsets.UTF_8)),
                        "expected a readable gzipped tar archive"),
                file("zip entry climbing out with ..", d -> zipWith(d, "../x/cat.png", false), "climbs out with '..'"),
                file("zip symbolic link", d -> zipWith(d, "cat/x.png", true), "a symbolic link"),
                file("truncated .zip", HostileDataTest::truncatedZip, "zip archive"),
                data("archive folder with no split in the names", HostileDataTest::unnamedArchives, DataLimits.defaults(),
                        "expected one archive per split"),
                // folders on disk
                file("class folder symlinked to /etc", d -> symlinkClass(d, Path.of("/etc")),
                        "expected symbolic links to stay inside the dataset folder"),
                file("class folder symlinked to the dataset root", d -> symlinkClass(d, null), "symbolic link loops"),
                file("image file symlinked out of the dataset", d -> {
                    Path root = imageFolder(d, PNG);
                    Path outside = Files.write(d.resolve("outside.png"), PNG);
                    Files.createSymbolicLink(root.resolve("cat/2.png"), outside);
                    return root;
                }, "expected symbolic links to stay inside the dataset folder"),
                file("empty class folder", d -> {
                    imageFolder(d, PNG);
                    Files.createDirectories(d.resolve("img/zebra"));
                    return d.resolve("img");
                }, "class folder 'zebra', found none (an empty class)"),
                file("image that is not an image", d -> imageFolder(d, "plain text".getBytes(StandardCharsets.UTF_8)),
                        "no javax.imageio reader recognises"),
                file("image with a lying GIF magic", d -> imageFolder(d, "GIF89a? no".getBytes(StandardCharsets.UTF_8)),
                        "expected a PNG or JPEG image, javax.imageio could not decode it"),
                file("truncated PNG", d -> imageFolder(d, Arrays.copyOf(PNG, PNG.length / 2)), "expected a PNG or JPEG image"),
                // label files
                file("labels.csv naming a missing file", d -> labels(d, "id,label\na,x\nghost,y\n"), "for id 'ghost'"),
                file("labels.csv without a header", d -> labels(d, "a,x\n"), "expected the header 'id,label'"),
                file("labels.csv naming a file twice", d -> labels(d, "id,label\na,x\na.png,y\n"), "expected each image named once"),
                file("labels.csv repeating an id", d -> labels(d, "id,label\na,x\na,y\n"), "expected each id once"),
                file("labels.csv with a row of three fields", d -> labels(d, "id,label\na,x,y\n"), "two non-empty fields"),
                file("labels.csv with no rows", d -> labels(d, "id,label\n"), "found none"),
                file("labels.csv climbing out", d -> labels(d, "id,label\na,x\n../../etc/passwd,y\n"),
                        "for id '../../etc/passwd'"),
                file("image without a label", d -> {
                    Path p = labels(d, "id,label\na,x\n");
                    Files.write(p.resolve("b.png"), PNG);
                    return p;
                }, "for every image beside it"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithOneClearLine(Case c) throws IOException {
        Path input = c.maker.make(Files.createDirectory(dir.resolve("in")));
        String[] before = listing();
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> DatasetSource.load(input, DatasetSplit.TEST, c.limits));
        assertEquals(SmoothcalException.Kind.BAD_INPUT, e.kind(), e.getMessage());
        c.parameter.ifPresent(p -> assertEquals(Optional.of(p), e.parameter(), e.getMessage()));
        assertTrue(e.getMessage().contains(c.fragment), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), "no vendor exception names: " + e.getMessage());
        assertEquals(Arrays.toString(before), Arrays.toString(listing()), "nothing written beside the input");
    }

    private String[] listing() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(dir::relativize).map(Path::toString).sorted().toArray(String[]::new);
        }
    }

    private static Path idxFolder(Path d, int[] dims, int realBytes) throws IOException {
        Path images = d.resolve("t10k-images-idx3-ubyte.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(images), 1 << 16)) {
            out.write(SpecFiles.idx(dims, new byte[0]));
            byte[] zeros = new byte[1 << 16];
            for (long left = realBytes; left > 0; left -= zeros.length) {
                out.write(zeros, 0, (int) Math.min(left, zeros.length));
            }
        }
        SpecFiles.write(d.resolve("t10k-labels-idx1-ubyte.gz"), SpecFiles.idx(new int[] {dims[0]}, new byte[1]),
                Compression.GZIP);
        return d;
    }

    private static Path idxPlain(Path d, int[] dims, int realBytes) throws IOException {
        Files.write(d.resolve("t10k-images-idx3-ubyte"), SpecFiles.idx(dims, new byte[realBytes]));
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), SpecFiles.idx(new int[] {dims[0]}, new byte[dims[0]]));
        return d;
    }

    /** An npz with x_test (declared shape, {@code realBytes} zero bytes) and a matching y_test header. */
    private static Path npz(Path d, int[] shape, int realBytes, boolean deflate) throws IOException {
        Path file = d.resolve("bomb.npz");
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(Files.newOutputStream(file))) {
            ZipArchiveEntry x = new ZipArchiveEntry("x_test.npy");
            byte[] header = SpecFiles.npy(1, "|u1", false, shape, new byte[0]);
            if (!deflate) {
                x.setMethod(ZipArchiveEntry.STORED);
                x.setSize(header.length + realBytes);
                CRC32 crc = new CRC32();
                crc.update(header);
                crc.update(new byte[realBytes]);
                x.setCrc(crc.getValue());
            }
            zip.putArchiveEntry(x);
            zip.write(header);
            byte[] zeros = new byte[1 << 16];
            for (long left = realBytes; left > 0; left -= zeros.length) {
                zip.write(zeros, 0, (int) Math.min(left, zeros.length));
            }
            zip.closeArchiveEntry();
            zip.putArchiveEntry(new ZipArchiveEntry("y_test.npy"));
            zip.write(SpecFiles.npy(1, "|u1", false, new int[] {shape[0]}, new byte[0]));
            zip.closeArchiveEntry();
        }
        return file;
    }

    private static Path npyPixels(Path d, float bad) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(1).putFloat(2).putFloat(bad).putFloat(4);
        Files.write(d.resolve("x_test.npy"), SpecFiles.npy(1, "<f4", false, new int[] {2, 1, 2}, b.array()));
        Files.write(d.resolve("y_test.npy"), SpecFiles.npy(1, "|u1", false, new int[] {2}, new byte[] {0, 1}));
        return d;
    }

    private static Path csvToDevZero(Path d) throws IOException {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "needs /dev/zero");
        return Files.createSymbolicLink(d.resolve("digits.csv"), Path.of("/dev/zero"));
    }

    private static Path endlessLine(Path d) throws IOException {
        Path f = d.resolve("digits.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(new byte[1 << 20]);
        }
        return f;
    }

    private static Path manyRows(Path d) throws IOException {
        Path f = d.resolve("digits.csv.gz");
        byte[] row = ("0,".repeat(64) + "1\n").getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            for (int i = 0; i < 10_000; i++) {
                out.write(row);
            }
        }
        return f;
    }

    private static Path imageFolder(Path d, byte[] image) throws IOException {
        Path root = d.resolve("img");
        Files.createDirectories(root.resolve("cat"));
        Files.write(root.resolve("cat/1.png"), image);
        return root;
    }

    private static Path bigImageFolder(Path d) throws IOException {
        Path root = d.resolve("img");
        Files.createDirectories(root.resolve("cat"));
        Files.write(root.resolve("cat/1.png"), ArchiveFiles.png(300, 300, 0, false));
        Files.write(root.resolve("cat/2.png"), ArchiveFiles.png(300, 300, 0, false));
        return root;
    }

    private static Path bigTar(Path d) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] big = new byte[600_000];
        files.put("cat/1.png", big);
        files.put("cat/2.png", big);
        return ArchiveFiles.tar(d.resolve("big.tar.gz"), true, files);
    }

    /** A PNG whose IHDR declares the size (the CRC fixed), followed by the pixels of a 2x2 image. */
    static byte[] pngDeclaring(int width, int height) {
        byte[] png = PNG.clone();
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return png;
    }

    private static Path tarWith(Path d, String entryName) throws IOException {
        return ArchiveFiles.tar(d.resolve("evil.tar"), false, tar -> {
            try {
                TarArchiveEntry e = new TarArchiveEntry(entryName, true);
                e.setSize(PNG.length);
                tar.putArchiveEntry(e);
                tar.write(PNG);
                tar.closeArchiveEntry();
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        });
    }

    private static Path tarLink(Path d, byte type) throws IOException {
        return ArchiveFiles.tar(d.resolve("links.tar.gz"), true, tar -> {
            try {
                TarArchiveEntry ok = new TarArchiveEntry("cat/1.png");
                ok.setSize(PNG.length);
                tar.putArchiveEntry(ok);
                tar.write(PNG);
                tar.closeArchiveEntry();
                TarArchiveEntry e = new TarArchiveEntry("cat/2.png", type);
                e.setLinkName("/etc/passwd");
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        });
    }

    private static Path truncated(Path d, String name, boolean gzip) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] noise = new byte[50_000];
        new java.util.Random(1).nextBytes(noise);
        files.put("cat/1.png", noise);
        files.put("cat/2.png", PNG);
        Path full = ArchiveFiles.tar(d.resolve("full-" + name), gzip, files);
        byte[] all = Files.readAllBytes(full);
        Files.delete(full);
        return Files.write(d.resolve(name), Arrays.copyOf(all, all.length / 2));
    }

    private static Path zipWith(Path d, String name, boolean symlink) throws IOException {
        Path file = d.resolve("evil.zip");
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(Files.newOutputStream(file))) {
            ZipArchiveEntry e = new ZipArchiveEntry(name);
            if (symlink) {
                e.setUnixMode(0120777);
            }
            zip.putArchiveEntry(e);
            zip.write(symlink ? "/etc/passwd".getBytes(StandardCharsets.UTF_8) : PNG);
            zip.closeArchiveEntry();
        }
        return file;
    }

    private static Path truncatedZip(Path d) throws IOException {
        Path full = ArchiveFiles.zip(d.resolve("full.zip"), Map.of("cat/1.png", PNG, "dog/1.png", PNG));
        byte[] all = Files.readAllBytes(full);
        Files.delete(full);
        return Files.write(d.resolve("cut.zip"), Arrays.copyOf(all, all.length - 30));
    }

    private static Path unnamedArchives(Path d) throws IOException {
        ArchiveFiles.tar(d.resolve("one.tar"), false, Map.of("cat/1.png", PNG));
        ArchiveFiles.tar(d.resolve("two.tar"), false, Map.of("cat/1.png", PNG));
        return d;
    }

    private static Path symlinkClass(Path d, Path target) throws IOException {
        Path root = imageFolder(d, PNG);
        Files.createSymbolicLink(root.resolve("linked"), target == null ? root : target);
        return root;
    }

    private static Path labels(Path d, String csv) throws IOException {
        Path root = d.resolve("kaggle");
        Files.createDirectories(root);
        Files.write(root.resolve("a.png"), PNG);
        Files.writeString(root.resolve("labels.csv"), csv);
        return root;
    }
}
