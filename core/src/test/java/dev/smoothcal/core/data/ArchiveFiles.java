package dev.smoothcal.core.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Writes small archives and images for the archive and hostile-input tests. */
final class ArchiveFiles {
    private ArchiveFiles() {
    }

    /** A PNG whose grey pixel (y, x) is {@code base + 10*y + x}, or an RGB one (base, y, x) when colour. */
    static byte[] png(int width, int height, int base, boolean colour) {
        BufferedImage img = new BufferedImage(width, height,
                colour ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (colour) {
                    img.setRGB(x, y, (base & 0xff) << 16 | (y & 0xff) << 8 | (x & 0xff));
                } else {
                    img.getRaster().setSample(x, y, 0, (base + 10 * y + x) & 0xff);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes {@code files} (entry name to content; null content = a folder) into a tar, gzipped when asked. */
    static Path tar(Path file, boolean gzip, Map<String, byte[]> files) throws IOException {
        return tar(file, gzip, tar -> {
            try {
                for (Map.Entry<String, byte[]> e : files.entrySet()) {
                    TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), true);
                    if (e.getValue() != null) {
                        entry.setSize(e.getValue().length);
                    }
                    tar.putArchiveEntry(entry);
                    if (e.getValue() != null) {
                        tar.write(e.getValue());
                    }
                    tar.closeArchiveEntry();
                }
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        });
    }

    /** Writes a tar whose entries {@code body} adds. */
    static Path tar(Path file, boolean gzip, Consumer<TarArchiveOutputStream> body) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
                OutputStream out = gzip ? new GzipCompressorOutputStream(raw) : raw;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            body.accept(tar);
        }
        return file;
    }

    /** Writes {@code files} into a zip (null content = a folder). */
    static Path zip(Path file, Map<String, byte[]> files) throws IOException {
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                ZipArchiveEntry entry = new ZipArchiveEntry(e.getKey());
                zip.putArchiveEntry(entry);
                if (e.getValue() != null) {
                    zip.write(e.getValue());
                }
                zip.closeArchiveEntry();
            }
        }
        return file;
    }

    /** Writes the same files as a folder tree. */
    static Path folder(Path root, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path p = root.resolve(e.getKey());
            if (e.getValue() == null) {
                Files.createDirectories(p);
            } else {
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
        }
        return root;
    }
}
