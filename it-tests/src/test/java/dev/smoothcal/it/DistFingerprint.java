package dev.smoothcal.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The cheap fingerprint of a distribution folder that docker/build-images.sh stores in the image
 * label {@code dev.smoothcal.dist-fingerprint}: SHA-256 over the lines "relative/path size", one per
 * file, sorted by byte order. It changes when a jar is added, removed or changes size, so the tests
 * can warn that the images were built from another distribution than the one in cli/target.
 */
final class DistFingerprint {

    static final String LABEL = "dev.smoothcal.dist-fingerprint";

    private DistFingerprint() {}

    static String of(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            List<String> lines = files.filter(Files::isRegularFile)
                    .map(f -> folder.relativize(f).toString() + " " + size(f) + "\n")
                    .sorted() // file names here are ASCII: String order is byte order
                    .toList();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String line : lines) {
                sha.update(line.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read distribution folder " + folder, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
