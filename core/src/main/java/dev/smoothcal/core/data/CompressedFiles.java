package dev.smoothcal.core.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens a file, transparently un-gzipping it when it starts with the gzip magic bytes. */
final class CompressedFiles {
    private CompressedFiles() {
    }

    /** The file's size on disk. */
    static long size(Path file) throws IOException {
        return Files.size(file);
    }

    /** Whether the file starts with the gzip magic bytes. */
    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(2);
            return magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
        }
    }

    static InputStream open(Path file) throws IOException {
        return open(Files.newInputStream(file));
    }

    /** Wraps {@code raw}; closes it if the gzip header turns out to be unreadable. */
    static InputStream open(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        try {
            in.mark(2);
            int b1 = in.read();
            int b2 = in.read();
            in.reset();
            if (b1 == 0x1f && b2 == 0x8b) {
                return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
