package dev.smoothcal.trainer.model;

import dev.smoothcal.core.data.ImageShape;
import java.util.ArrayList;
import java.util.List;

/**
 * A model description with every shape known: what the TF graph builder and the ONNX exporter walk.
 *
 * @param name model name
 * @param input image shape (NHWC without batch)
 * @param numClasses width of the logits
 * @param steps layers in order, with their input/output shapes (without batch) and parameters
 */
public record ResolvedModel(String name, ImageShape input, int numClasses, List<Step> steps) {

    public ResolvedModel {
        steps = List.copyOf(steps);
    }

    /** A trainable parameter with a flat name. */
    public record Param(String name, long[] shape) {
        /** Number of values. */
        public int size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return Math.toIntExact(n);
        }
    }

    /** One layer with resolved shapes. */
    public record Step(Layer layer, long[] inputShape, long[] outputShape, List<Param> params) {
        public Step {
            params = List.copyOf(params);
        }
    }

    /** All parameters in layer order. */
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        for (Step s : steps) {
            all.addAll(s.params());
        }
        return all;
    }

    /** Total number of trainable values. */
    public long parameterCount() {
        return params().stream().mapToLong(Param::size).sum();
    }
}
