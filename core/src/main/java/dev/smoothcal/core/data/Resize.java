package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;

/**
 * A target image size and the rule that brings every image to it when an image folder holds mixed sizes
 * or sizes other than the model's input. Images already of the target size are kept as decoded, so a
 * folder of one size loads exactly as without a resize. Channels are converted as the loader always does
 * (a grey image among colour ones is repeated into R, G and B).
 *
 * @param height target rows, at least 1
 * @param width target columns, at least 1
 * @param rule how to scale
 */
public record Resize(int height, int width, ResizeRule rule) {
    /**
     * Validates the target.
     *
     * @param height target rows
     * @param width target columns
     * @param rule how to scale
     * @throws SmoothcalException naming {@code resize} for a size below 1 or a missing rule
     */
    public Resize {
        if (height < 1 || width < 1 || rule == null) {
            throw SmoothcalException.invalid("resize", "must have a size of at least 1x1 and a rule, found " + height
                    + "x" + width + " " + rule);
        }
    }

    /**
     * Resizes interleaved 8-bit samples.
     *
     * @param samples {@code h * w * c} samples, row-major, channels last
     * @param h source rows
     * @param w source columns
     * @param c channels
     * @return {@code height * width * c} samples
     */
    byte[] apply(byte[] samples, int h, int w, int c) {
        if (h == height && w == width) {
            return samples;
        }
        double sy = (double) height / h;
        double sx = (double) width / w;
        int outH = height;
        int outW = width;
        int offY = 0;
        int offX = 0;
        if (rule == ResizeRule.CENTER_CROP || rule == ResizeRule.LETTERBOX) {
            double s = rule == ResizeRule.CENTER_CROP ? Math.max(sx, sy) : Math.min(sx, sy);
            sx = s;
            sy = s;
            outH = Math.max(1, (int) Math.round(h * s));
            outW = Math.max(1, (int) Math.round(w * s));
            offY = (height - outH) / 2;
            offX = (width - outW) / 2;
        }
        byte[] out = new byte[height * width * c];
        for (int y = 0; y < height; y++) {
            int ry = y - offY;
            if (ry < 0 || ry >= outH) {
                continue; // letterbox padding stays 0
            }
            double fy = clamp((ry + 0.5) / sy - 0.5, h - 1);
            int y0 = (int) Math.floor(fy);
            int y1 = Math.min(y0 + 1, h - 1);
            double dy = fy - y0;
            for (int x = 0; x < width; x++) {
                int rx = x - offX;
                if (rx < 0 || rx >= outW) {
                    continue;
                }
                double fx = clamp((rx + 0.5) / sx - 0.5, w - 1);
                int x0 = (int) Math.floor(fx);
                int x1 = Math.min(x0 + 1, w - 1);
                double dx = fx - x0;
                for (int ch = 0; ch < c; ch++) {
                    double top = (samples[(y0 * w + x0) * c + ch] & 0xff) * (1 - dx)
                            + (samples[(y0 * w + x1) * c + ch] & 0xff) * dx;
                    double bottom = (samples[(y1 * w + x0) * c + ch] & 0xff) * (1 - dx)
                            + (samples[(y1 * w + x1) * c + ch] & 0xff) * dx;
                    out[(y * width + x) * c + ch] = (byte) Math.min(255, (int) Math.floor(top * (1 - dy) + bottom * dy
                            + 0.5));
                }
            }
        }
        return out;
    }

    private static double clamp(double v, int max) {
        return v < 0 ? 0 : Math.min(v, max);
    }

    @Override
    public String toString() {
        return height + "x" + width + " " + rule.id();
    }
}
