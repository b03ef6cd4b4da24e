package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * Decodes one PNG or JPEG file held in memory to its 8-bit samples with {@code javax.imageio}: one PNG and
 * one JPEG reader per thread, reused (creating a JPEG reader is costly), the bytes read in place (no stream
 * cache), and 8-bit sRGB rasters copied sample by sample instead of converted pixel by pixel through
 * {@link BufferedImage#getRGB}, which gives the same values for them (tested). Grey images are read from
 * their samples, palettes whose entries are all grey count as grey; 16-bit grey is refused.
 */
final class ImageDecoder {
    /** Per decoding thread, one PNG reader (slot 0) and one JPEG reader (slot 1), made when first needed. */
    private static final ThreadLocal<ImageReader[]> READERS = ThreadLocal.withInitial(() -> new ImageReader[2]);

    private ImageDecoder() {
    }

    /**
     * One image's 8-bit samples, pixel after pixel, 1 or 3 per pixel.
     *
     * @param file the file as messages name it
     * @param width W
     * @param height H
     * @param channels 1 (grey) or 3 (RGB)
     * @param samples {@code width * height * channels} values
     */
    record Decoded(String file, int width, int height, int channels, byte[] samples) {
    }

    /**
     * What an image's header says: its size and whether it decodes as grey or colour.
     *
     * @param file the file as messages name it
     * @param width W
     * @param height H
     * @param channels 1 (grey) or 3 (colour)
     */
    record Header(String file, int width, int height, int channels) {
    }

    /** Reads {@code path} of {@code tree} and decodes it. */
    static Decoded decode(ImageTree tree, String path, DataLimits limits) {
        return decode(tree.display(path), tree.read(path), limits);
    }

    /**
     * Decodes {@code bytes}.
     *
     * @throws SmoothcalException naming {@code file} if it is no PNG or JPEG ImageIO can decode, or its
     *     declared size is beyond the budget
     */
    static Decoded decode(String file, byte[] bytes, DataLimits limits) {
        BufferedImage image = withReader(file, bytes, limits, reader -> reader.read(0));
        return samples(file, image);
    }

    /**
     * Reads only the header of {@code bytes}: the size, and the channels {@link #decode} will give (from
     * the colour model the reader would decode to).
     */
    static Header header(String file, byte[] bytes, DataLimits limits) {
        return withReader(file, bytes, limits, reader -> {
            int w = reader.getWidth(0);
            int h = reader.getHeight(0);
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            if (!types.hasNext()) {
                throw new IOException("no image type");
            }
            ColorModel model = types.next().getColorModel();
            return new Header(file, w, h, isGrey(file, model) ? 1 : 3);
        });
    }

    /**
     * As {@link #header}, read from the bytes themselves where they are a plain PNG (IHDR, and PLTE for a
     * palette) or JPEG (the SOF marker's size and components) whose result is certain, without setting up
     * a reader; anything else (and any file these few fields do not settle) through {@link #header}. The
     * two agree on every kind of image the decoder reads (tested).
     */
    static Header quickHeader(String file, byte[] bytes, DataLimits limits) {
        Header h = parsedHeader(file, bytes);
        return h == null ? header(file, bytes, limits) : withinBudget(h, limits);
    }

    /** The header read from the bytes of a plain PNG or JPEG, or null where the reader must say (never throws). */
    static Header parsedHeader(String file, byte[] bytes) {
        return isPng(bytes) ? pngHeader(file, bytes) : isJpeg(bytes) ? jpegHeader(file, bytes) : null;
    }

    /** {@code h}, after checking that its decoded pixels fit the budget as {@link #decode} checks them. */
    static Header withinBudget(Header h, DataLimits limits) {
        limits.require(h.file() + ": an image of " + h.width() + "x" + h.height() + " (decoded as 32-bit pixels)",
                (long) h.width() * h.height() * 4);
        return h;
    }

    private static boolean isPng(byte[] b) {
        return b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    }

    private static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | b[at + 1] & 0xff;
    }

    private static long u32(byte[] b, int at) {
        return (long) u16(b, at) << 16 | u16(b, at + 2);
    }

    /** PNG: IHDR first; grey up to 8-bit (with or without alpha), RGB(A) 8-bit, or a palette read from PLTE. */
    private static Header pngHeader(String file, byte[] b) {
        if (b.length < 33 || b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
            return null;
        }
        long w = u32(b, 16);
        long h = u32(b, 20);
        int depth = b[24] & 0xff;
        int type = b[25] & 0xff;
        if (w < 1 || h < 1 || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE || (b[28] & 0xff) != 0) {
            return null; // interlaced or odd: let the reader say
        }
        // grey below 8 bits decodes through a palette of greys (ImageTypeSpecifier.createGrayscale): grey too
        if (type == 0 && (depth == 1 || depth == 2 || depth == 4 || depth == 8) || type == 4 && depth == 8) {
            return new Header(file, (int) w, (int) h, 1);
        }
        if ((type == 2 || type == 6) && depth == 8) {
            return new Header(file, (int) w, (int) h, 3);
        }
        if (type != 3) {
            return null;
        }
        for (int at = 33; at + 8 <= b.length; ) {
            long length = u32(b, at);
            boolean plte = b[at + 4] == 'P' && b[at + 5] == 'L' && b[at + 6] == 'T' && b[at + 7] == 'E';
            if (plte) {
                if (length % 3 != 0 || at + 8 + length > b.length) {
                    return null;
                }
                boolean grey = true;
                for (int e = at + 8; e < at + 8 + length; e += 3) {
                    grey &= b[e] == b[e + 1] && b[e] == b[e + 2];
                }
                return new Header(file, (int) w, (int) h, grey ? 1 : 3);
            }
            if (b[at + 4] == 'I' && b[at + 5] == 'D' && b[at + 6] == 'A' && b[at + 7] == 'T') {
                return null;
            }
            at += 12 + length;
        }
        return null;
    }

    /** JPEG: the first SOF marker; one component is grey, three colour; anything else to the reader. */
    private static Header jpegHeader(String file, byte[] b) {
        int at = 2;
        while (at + 4 <= b.length) {
            if ((b[at] & 0xff) != 0xFF) {
                return null;
            }
            int marker = b[at + 1] & 0xff;
            if (marker == 0xFF) {
                at++;
                continue;
            }
            if (marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
                at += 2;
                continue;
            }
            int length = u16(b, at + 2);
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                if (length < 8 || at + 10 > b.length) {
                    return null;
                }
                int h = u16(b, at + 5);
                int w = u16(b, at + 7);
                int components = b[at + 9] & 0xff;
                if (w < 1 || h < 1 || components != 1 && components != 3 || marker != 0xC0 && marker != 0xC1
                        && marker != 0xC2) {
                    return null;
                }
                return new Header(file, w, h, components);
            }
            if (marker == 0xDA || marker == 0xD9 || length < 2) {
                return null;
            }
            at += 2 + length;
        }
        return null;
    }

    /** Does something with an ImageReader set on the image. */
    @FunctionalInterface
    private interface ReaderTask<T> {
        T apply(ImageReader reader) throws IOException;
    }

    private static <T> T withReader(String file, byte[] bytes, DataLimits limits, ReaderTask<T> task) {
        T result = null;
        try (ImageInputStream in = new BytesImageInputStream(bytes)) {
            ImageReader cached = cachedReader(bytes);
            Iterator<ImageReader> readers = cached != null ? List.of(cached).iterator() : ImageIO.getImageReaders(in);
            if (readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in, true, true);
                    long w = reader.getWidth(0);
                    long h = reader.getHeight(0);
                    limits.require(file + ": an image of " + w + "x" + h + " (decoded as 32-bit pixels)", w * h * 4);
                    result = task.apply(reader);
                } catch (IOException | RuntimeException e) {
                    if (reader == cached) {
                        reader.reset(); // a reused reader starts afresh after a failure
                    }
                    throw e;
                } finally {
                    if (reader != cached) {
                        reader.dispose();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof SmoothcalException s) {
                throw s;
            }
            throw new SmoothcalException(file + ": expected a PNG or JPEG image, javax.imageio could not decode it: "
                    + e.getMessage(), e);
        }
        if (result == null) {
            throw new SmoothcalException(file + ": expected a PNG or JPEG image, found a file no javax.imageio reader "
                    + "recognises");
        }
        return result;
    }

    /** The thread's reader for a PNG or JPEG file by its magic bytes, or null for anything else. */
    private static ImageReader cachedReader(byte[] bytes) {
        int slot = isPng(bytes) ? 0 : isJpeg(bytes) ? 1 : -1;
        if (slot < 0) {
            return null;
        }
        ImageReader[] readers = READERS.get();
        if (readers[slot] == null) {
            Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(slot == 0 ? "png" : "jpeg");
            readers[slot] = it.hasNext() ? it.next() : null;
        }
        return readers[slot];
    }

    /** Grey: a palette of grey entries only, or a grey colour space (8-bit, else refused). */
    private static boolean isGrey(String file, ColorModel model) {
        if (model instanceof IndexColorModel palette) {
            return greyPalette(palette);
        }
        if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            int bits = model.getComponentSize(0);
            if (bits != 8) {
                throw new SmoothcalException(file + ": expected 8-bit grey samples, found " + bits + "-bit");
            }
            return true;
        }
        return false;
    }

    static Decoded samples(String file, BufferedImage image) {
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
        if (!(model instanceof IndexColorModel) && isGrey(file, model)) {
            int[] grey = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            byte[] out = new byte[grey.length];
            for (int i = 0; i < grey.length; i++) {
                out[i] = (byte) grey[i];
            }
            return new Decoded(file, w, h, 1, out);
        }
        byte[] direct = interleavedSrgb(image);
        if (direct != null) {
            return new Decoded(file, w, h, 3, direct);
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

    /**
     * R, G, B copied straight from the raster of an 8-bit, sRGB, pixel-interleaved image without
     * premultiplied alpha (what the JPEG and PNG readers give for colour images: BGR, RGB, ABGR, RGBA), for
     * which {@link BufferedImage#getRGB} returns those samples unchanged; null for any other image.
     */
    static byte[] interleavedSrgb(BufferedImage image) {
        if (!isInterleavedSrgb(image)) {
            return null;
        }
        byte[] out = new byte[image.getWidth() * image.getHeight() * 3];
        copySrgb(image, out);
        return out;
    }

    /**
     * Decodes {@code bytes} and writes its samples as float32 into {@code out} from {@code at}, laid out with
     * {@code channels} channels as {@link ImageFolderLoader#toFloat} lays them out; an 8-bit sRGB colour
     * image straight from its raster, anything else through {@link #samples}. Nothing is written if the
     * image is not {@code width x height}.
     *
     * @return the decoded image's width, height and channels
     */
    static Header decodeInto(String file, byte[] bytes, DataLimits limits, int width, int height, int channels,
            float[] out, int at) {
        BufferedImage image = withReader(file, bytes, limits, reader -> reader.read(0));
        if (image.getWidth() == width && image.getHeight() == height) {
            if (channels == 3 && isInterleavedSrgb(image)) {
                copySrgb(image, out, at);
                return new Header(file, width, height, 3);
            }
            Decoded d = samples(file, image);
            if (d.channels() <= channels) {
                ImageFolderLoader.toFloat(d, channels, out, at);
            }
            return new Header(file, width, height, d.channels());
        }
        return new Header(file, image.getWidth(), image.getHeight(), 3);
    }

    private static boolean isInterleavedSrgb(BufferedImage image) {
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        if (!(model instanceof ComponentColorModel) || !model.getColorSpace().isCS_sRGB()
                || model.isAlphaPremultiplied() || model.getTransferType() != DataBuffer.TYPE_BYTE
                || model.getNumColorComponents() != 3
                || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel)
                || !(raster.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1
                || raster.getSampleModelTranslateX() != 0 || raster.getSampleModelTranslateY() != 0) {
            return false;
        }
        for (int c = 0; c < model.getNumComponents(); c++) {
            if (model.getComponentSize(c) != 8) {
                return false;
            }
        }
        return true;
    }

    /**
     * The layout of an image {@link #isInterleavedSrgb} accepts: offset of the first pixel, pixel stride,
     * line stride and the offsets of R, G and B within a pixel.
     */
    private record Layout(byte[] data, int base, int stride, int line, int r, int g, int b) {
        static Layout of(BufferedImage image) {
            Raster raster = image.getRaster();
            PixelInterleavedSampleModel sm = (PixelInterleavedSampleModel) raster.getSampleModel();
            DataBufferByte buffer = (DataBufferByte) raster.getDataBuffer();
            int[] bands = sm.getBandOffsets();
            return new Layout(buffer.getData(), buffer.getOffset(), sm.getPixelStride(), sm.getScanlineStride(),
                    bands[0], bands[1], bands[2]);
        }
    }

    private static void copySrgb(BufferedImage image, byte[] out) {
        Layout l = Layout.of(image);
        byte[] data = l.data();
        int at = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            int p = l.base() + y * l.line();
            for (int x = 0; x < image.getWidth(); x++, p += l.stride()) {
                out[at++] = data[p + l.r()];
                out[at++] = data[p + l.g()];
                out[at++] = data[p + l.b()];
            }
        }
    }

    private static void copySrgb(BufferedImage image, float[] out, int from) {
        Layout l = Layout.of(image);
        byte[] data = l.data();
        int at = from;
        for (int y = 0; y < image.getHeight(); y++) {
            int p = l.base() + y * l.line();
            for (int x = 0; x < image.getWidth(); x++, p += l.stride()) {
                out[at++] = data[p + l.r()] & 0xff;
                out[at++] = data[p + l.g()] & 0xff;
                out[at++] = data[p + l.b()] & 0xff;
            }
        }
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

    /** An {@link ImageInputStream} over a byte array, read in place (no cache, no copy). */
    private static final class BytesImageInputStream extends ImageInputStreamImpl {
        private final byte[] bytes;

        BytesImageInputStream(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() throws IOException {
            checkClosed();
            bitOffset = 0;
            if (streamPos >= bytes.length) {
                return -1;
            }
            return bytes[(int) streamPos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            checkClosed();
            if (off < 0 || len < 0 || off + len > b.length) {
                throw new IndexOutOfBoundsException("off " + off + ", len " + len + ", array " + b.length);
            }
            bitOffset = 0;
            if (len == 0) {
                return 0;
            }
            if (streamPos >= bytes.length) {
                return -1;
            }
            int n = (int) Math.min(len, bytes.length - streamPos);
            System.arraycopy(bytes, (int) streamPos, b, off, n);
            streamPos += n;
            return n;
        }

        @Override
        public long length() {
            return bytes.length;
        }
    }
}
