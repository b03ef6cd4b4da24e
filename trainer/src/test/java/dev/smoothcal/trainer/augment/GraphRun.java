package dev.smoothcal.trainer.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Test helper: builds operands in a fresh graph and session, fetches them as Java arrays. */
final class GraphRun {
    private final List<Object> values;

    private GraphRun(List<Object> values) {
        this.values = values;
    }

    /** Builds with {@code build} in a fresh graph, runs once, keeps copies of every fetched tensor. */
    static GraphRun of(Function<Ops, List<Operand<?>>> build) {
        try (Graph g = new Graph()) {
            List<Operand<?>> fetches = build.apply(Ops.create(g));
            try (Session session = new Session(g)) {
                Session.Runner runner = session.runner();
                fetches.forEach(runner::fetch);
                try (Result r = runner.run()) {
                    List<Object> out = new ArrayList<>();
                    for (int i = 0; i < fetches.size(); i++) {
                        out.add(copy(r.get(i)));
                    }
                    return new GraphRun(out);
                }
            }
        }
    }

    float[] floats(int i) {
        return (float[]) values.get(i);
    }

    int[] ints(int i) {
        return (int[]) values.get(i);
    }

    static Operand<TFloat32> constant(Ops tf, float[] values, long... shape) {
        return tf.constant(Shape.of(shape), DataBuffers.of(values, true, false));
    }

    private static Object copy(Tensor t) {
        if (t instanceof TFloat32) {
            float[] out = new float[Math.toIntExact(t.shape().size())];
            ((TFloat32) t).copyTo(DataBuffers.of(out, false, false));
            return out;
        }
        if (t instanceof TInt32) {
            int[] out = new int[Math.toIntExact(t.shape().size())];
            ((TInt32) t).copyTo(DataBuffers.of(out, false, false));
            return out;
        }
        throw new IllegalStateException("unexpected tensor type " + t.dataType());
    }
}
