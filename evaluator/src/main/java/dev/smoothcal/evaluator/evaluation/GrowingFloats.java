package dev.smoothcal.evaluator.evaluation;

import java.util.Arrays;

/** An append-only float array that doubles its capacity when full. */
final class GrowingFloats {
    private float[] values = new float[1024];
    private int size;

    void add(float[] batch, int count) {
        if (size + count > values.length) {
            values = Arrays.copyOf(values, Math.max(size + count, values.length * 2));
        }
        System.arraycopy(batch, 0, values, size, count);
        size += count;
    }

    float[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
