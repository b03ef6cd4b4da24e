package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile data through {@code smoothcal evaluate --data}: exit code 2, one error line that names
 * {@code --data} or the file, no stack trace, and no {@code --out} (nor staging folder) left behind.
 * The library-level cases are in core's {@code HostileDataTest}.
 */
class HostileDataCliTest {
    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void model() {
        model = tmp.resolve("tiny.onnx");
        OnnxModels.write(new OnnxGraphBuilder("tiny")
                .input("images", Dim.BATCH, Dim.of(1), Dim.of(2), Dim.of(1))
                .output("logits", Dim.BATCH, Dim.of(2))
                .initializer("shape", new long[] {-1, 2}, 2)
                .initializer("w", new float[] {1, 0, 0, 1}, 2, 2)
                .initializer("b", new float[] {0, 0}, 2)
                .node("Reshape", List.of("images", "shape"), "flat")
                .node("Gemm", List.of("flat", "w", "b"), "logits")
                .build(ModelMetadata.of(Map.of())), model);
    }

    @FunctionalInterface
    interface Maker {
        Path make(Path dir) throws IOException;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("IDX .gz declaring 2e9 images", (Maker) HostileDataCliTest::idxBomb,
                        "more than a compressed file of"),
                Arguments.of("digits .csv symlinked to /dev/zero", (Maker) d -> Files.createSymbolicLink(
                        d.resolve("digits.csv"), Path.of("/dev/zero")), "--data: expected a regular file"),
                Arguments.of("NaN pixel in an .npy", (Maker) HostileDataCliTest::nanPixels, "expected finite pixel values"),
                Arguments.of("tar entry climbing out with ..", (Maker) d -> tar(d, "../evil/1.png", TarConstants.LF_NORMAL),
                        "climbs out with '..'"),
                Arguments.of("tar symbolic link", (Maker) d -> tar(d, "cat/1.png", TarConstants.LF_SYMLINK),
                        "a symbolic link to '/etc/passwd'"),
                Arguments.of("truncated .tar.gz", (Maker) HostileDataCliTest::truncated, "truncated"),
                Arguments.of("class folder symlinked to /etc", (Maker) d -> {
                    Files.createDirectories(d.resolve("img/cat"));
                    Files.write(d.resolve("img/cat/1.png"), new byte[] {1});
                    Files.createSymbolicLink(d.resolve("img/etc"), Path.of("/etc"));
                    return d.resolve("img");
                }, "expected symbolic links to stay inside the dataset folder"),
                Arguments.of("empty class folder", (Maker) d -> {
                    Files.createDirectories(d.resolve("img/cat"));
                    Files.write(d.resolve("img/cat/1.png"), new byte[] {1});
                    Files.createDirectories(d.resolve("img/dog"));
                    return d.resolve("img");
                }, "an empty class"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void evaluateExitsTwoWithOneLineAndLeavesNothing(String name, Maker maker, String fragment) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "case");
        Path data = maker.make(dir);
        Path out = tmp.resolve("out-" + dir.getFileName());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            code = Main.execute("evaluate", "--model", model.toString(), "--data", data.toString(), "--out",
                    out.toString());
        } finally {
            System.setErr(old);
        }
        String err = buf.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, name + ": " + err);
        List<String> lines = err.lines().filter(l -> l.startsWith("smoothcal: error:")).toList();
        assertEquals(1, lines.size(), err);
        assertTrue(lines.get(0).contains(fragment), err);
        assertFalse(err.contains("\tat "), "no stack trace: " + err);
        assertFalse(Files.exists(out), "no --out left behind");
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().contains("staging")), "no staging folder left");
        }
    }

    private static Path idxBomb(Path d) throws IOException {
        ByteBuffer images = ByteBuffer.allocate(16).putInt(0x00000803).putInt(2_000_000_000).putInt(1).putInt(1);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(d.resolve("t10k-images-idx3-ubyte.gz")))) {
            o.write(images.array());
        }
        ByteBuffer labels = ByteBuffer.allocate(8).putInt(0x00000801).putInt(2_000_000_000);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(d.resolve("t10k-labels-idx1-ubyte.gz")))) {
            o.write(labels.array());
        }
        return d;
    }

    private static Path nanPixels(Path d) throws IOException {
        ByteBuffer px = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(Float.NaN);
        Files.write(d.resolve("x_test.npy"), npy("<f4", "(1, 1, 2)", px.array()));
        Files.write(d.resolve("y_test.npy"), npy("|u1", "(1,)", new byte[] {0}));
        return d;
    }

    private static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + dict.length() + 1;
        String header = dict + " ".repeat((total + 63) / 64 * 64 - total) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        return b.array();
    }

    private static Path tar(Path d, String name, byte type) throws IOException {
        Path file = d.resolve("evil.tar.gz");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            if (type == TarConstants.LF_SYMLINK) {
                e.setLinkName("/etc/passwd");
            } else {
                e.setSize(3);
            }
            tar.putArchiveEntry(e);
            if (type != TarConstants.LF_SYMLINK) {
                tar.write(new byte[3]);
            }
            tar.closeArchiveEntry();
        }
        return file;
    }

    private static Path truncated(Path d) throws IOException {
        Path file = d.resolve("cut.tar.gz");
        byte[] noise = new byte[20_000];
        new java.util.Random(3).nextBytes(noise);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(all))) {
            TarArchiveEntry e = new TarArchiveEntry("cat/1.png");
            e.setSize(noise.length);
            tar.putArchiveEntry(e);
            tar.write(noise);
            tar.closeArchiveEntry();
        }
        byte[] bytes = all.toByteArray();
        return Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    }
}
