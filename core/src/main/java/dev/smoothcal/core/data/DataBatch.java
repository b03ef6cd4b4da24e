package dev.smoothcal.core.data;

/**
 * One batch read from a {@link BatchSource}: consecutive samples {@code [from, from + count)}, their pixels
 * as float32 (built for this batch only, from the source's 8-bit samples where it holds those) and labels.
 *
 * @param from index of the first sample in the source
 * @param count samples in the batch, at least 1
 * @param shape the shape of one image
 * @param pixels {@code count * shape.size()} raw values, NHWC, image after image; fresh for this batch
 * @param labels {@code count} class indices; fresh for this batch
 */
public record DataBatch(int from, int count, ImageShape shape, float[] pixels, int[] labels) {
}
