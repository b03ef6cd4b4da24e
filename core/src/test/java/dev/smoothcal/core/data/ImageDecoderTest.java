package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smoothcal.core.SmoothcalException;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The decoder's shortcuts agree with the slow ways they replace: the header read from the bytes with
 * ImageIO's header and with what decoding gives, and the sample copy of sRGB rasters with
 * {@link BufferedImage#getRGB} (the reference, which converts pixel by pixel).
 */
class ImageDecoderTest {
    private static final DataLimits LIMITS = DataLimits.defaults();

    /** Image kinds written as PNG (and as JPEG where JPEG has them). */
    private static BufferedImage image(String kind, Random rng) {
        int w = 7;
        int h = 5;
        BufferedImage img = switch (kind) {
            case "grey" -> new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            case "grey16" -> new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
            case "binary" -> new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
            case "palette" -> new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED);
            case "grey-palette" -> {
                byte[] g = new byte[16];
                for (int i = 0; i < 16; i++) {
                    g[i] = (byte) (i * 17);
                }
                yield new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 16, g, g, g));
            }
            case "rgb" -> new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            case "argb" -> new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
            case "bgr" -> new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            default -> throw new AssertionError(kind);
        };
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (kind.equals("rgb") || kind.equals("argb") || kind.equals("bgr") || kind.equals("palette")) {
                    img.setRGB(x, y, kind.equals("argb") ? rng.nextInt() : rng.nextInt(1 << 24));
                } else {
                    r.setSample(x, y, 0, rng.nextInt(kind.equals("grey16") ? 65536 : kind.equals("binary") ? 2
                            : kind.equals("grey-palette") ? 16 : 256));
                }
            }
        }
        return img;
    }

    private static byte[] encode(BufferedImage img, String format, boolean progressive) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"png grey", "png grey16", "png binary", "png palette", "png grey-palette", "png rgb",
            "png argb", "png bgr", "jpg grey", "jpg rgb", "jpg bgr", "progressive-jpg rgb", "progressive-jpg grey"})
    void theHeaderReadFromTheBytesIsImageIosAndWhatDecodingGives(String which) throws IOException {
        String[] parts = which.split(" ");
        String format = parts[0].replace("progressive-", "");
        byte[] bytes = encode(image(parts[1], new Random(which.hashCode())), format, parts[0].startsWith("progressive"));
        if (parts[1].equals("grey16")) {
            String expected = assertThrows(SmoothcalException.class, () -> ImageDecoder.decode("f", bytes, LIMITS))
                    .getMessage();
            assertEquals("f: expected 8-bit grey samples, found 16-bit", expected);
            assertEquals(expected, assertThrows(SmoothcalException.class,
                    () -> ImageDecoder.quickHeader("f", bytes, LIMITS)).getMessage());
            return;
        }
        ImageDecoder.Header reference = ImageDecoder.header("f", bytes, LIMITS);
        ImageDecoder.Decoded decoded = ImageDecoder.decode("f", bytes, LIMITS);
        assertEquals(reference, ImageDecoder.quickHeader("f", bytes, LIMITS));
        assertNotNull(ImageDecoder.parsedHeader("f", bytes), "read from the bytes, no reader needed");
        assertEquals(reference, new ImageDecoder.Header("f", decoded.width(), decoded.height(), decoded.channels()));
        int expectedChannels = parts[1].contains("grey") || parts[1].equals("binary") ? 1 : 3;
        assertEquals(expectedChannels, reference.channels());
    }

    @Test
    void srgbRastersAreCopiedAsGetRgbConvertsThem() {
        Random rng = new Random(11);
        for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR}) {
            BufferedImage img = new BufferedImage(13, 9, type);
            for (int y = 0; y < 9; y++) {
                for (int x = 0; x < 13; x++) {
                    img.setRGB(x, y, rng.nextInt());
                }
            }
            assertArrayEquals(viaGetRgb(img), ImageDecoder.interleavedSrgb(img), "type " + type);
            assertArrayEquals(viaGetRgb(img), ImageDecoder.samples("f", img).samples());
        }
        // an RGB raster in R, G, B order, as the PNG reader makes for 8-bit RGB
        ComponentColorModel rgbModel = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 6, 4, 18, 3, new int[] {0, 1, 2},
                null);
        for (int i = 0; i < 6 * 4 * 3; i++) {
            raster.getDataBuffer().setElem(i, rng.nextInt(256));
        }
        BufferedImage rgb = new BufferedImage(rgbModel, raster, false, null);
        assertArrayEquals(viaGetRgb(rgb), ImageDecoder.interleavedSrgb(rgb));
        // premultiplied alpha, int pixels, and other colour spaces are left to getRGB
        assertEquals(null, ImageDecoder.interleavedSrgb(new BufferedImage(2, 2, BufferedImage.TYPE_4BYTE_ABGR_PRE)));
        assertEquals(null, ImageDecoder.interleavedSrgb(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB)));
    }

    private static byte[] viaGetRgb(BufferedImage img) {
        int[] argb = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
        byte[] out = new byte[argb.length * 3];
        for (int i = 0; i < argb.length; i++) {
            out[3 * i] = (byte) (argb[i] >> 16);
            out[3 * i + 1] = (byte) (argb[i] >> 8);
            out[3 * i + 2] = (byte) argb[i];
        }
        return out;
    }
}
