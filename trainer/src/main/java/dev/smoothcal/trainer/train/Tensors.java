package dev.smoothcal.trainer.train;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Copies between Java arrays and TF tensors. The caller closes the tensors it gets. */
public final class Tensors {
    private Tensors() {
    }

    /**
     * A new float tensor of {@code shape} holding a copy of {@code values}.
     *
     * @param values the elements, row-major
     * @param shape the dimensions, outermost first
     * @return the tensor; the caller closes it
     */
    public static TFloat32 floats(float[] values, long... shape) {
        return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
    }

    /**
     * The values of a float tensor, row-major.
     *
     * @param tensor a {@code TFloat32} tensor
     * @return a copy of its elements
     */
    public static float[] toArray(Tensor tensor) {
        TFloat32 t = (TFloat32) tensor;
        float[] out = new float[Math.toIntExact(t.shape().size())];
        t.copyTo(DataBuffers.of(out, false, false));
        return out;
    }
}
