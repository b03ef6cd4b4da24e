package dev.smoothcal.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small files byte by byte from the published format descriptions, for loader tests. */
final class SpecFiles {
    private SpecFiles() {
    }

    /** How a written file is compressed. */
    enum Compression { NONE, GZIP }

    /** IDX: magic 0x0000 08 ndim, big-endian dims, then unsigned bytes. */
    static byte[] idx(int[] dims, byte[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0x00000800 | dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(values);
        return b.array();
    }

    static Path write(Path file, byte[] content, Compression compression) throws IOException {
        if (compression == Compression.NONE) {
            return Files.write(file, content);
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
        return file;
    }

    /**
     * NPY: magic \x93NUMPY, version, little-endian header length (uint16 for 1.x, uint32 for 2.x), the
     * header dict padded with spaces and ending in a newline so that the data starts on a 64-byte boundary.
     */
    static byte[] npy(int major, String descr, boolean fortran, int[] shape, byte[] data) {
        StringBuilder dims = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            dims.append(i > 0 ? ", " : "").append(shape[i]);
        }
        dims.append(shape.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
                + dims + ", }";
        int prefix = 6 + 2 + (major == 1 ? 2 : 4);
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - total) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x93);
        out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
        out.write(major);
        out.write(0);
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) header.length());
        } else {
            len.putInt(header.length());
        }
        out.writeBytes(len.array());
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** NPZ: a zip whose entry {@code key.npy} holds array {@code key}, deflated as savez_compressed does. */
    static Path npz(Path file, Map<String, byte[]> arrays) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : arrays.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    static byte[] littleEndian(int bytesPer, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * bytesPer).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (bytesPer) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                case 8 -> b.putLong(v);
                default -> throw new IllegalArgumentException("bytes per value " + bytesPer);
            }
        }
        return b.array();
    }
}
