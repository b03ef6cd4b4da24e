package dev.smoothcal.trainer.model;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model description with every shape known: what the TF graph builder and the ONNX exporter walk.
 * Shapes omit the batch axis: {@code [H, W, C]} for images, {@code [F]} after Flatten or global pooling.
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

    /** How a parameter's initial value is drawn by {@link Weights#initial}. */
    public enum Init {
        /** {@code U(-l, l)}, {@code l = sqrt(6 / (fan_in + fan_out))}, receptive field included for conv kernels. */
        GLOROT_UNIFORM,
        /** All 0 (biases, beta, moving mean). */
        ZEROS,
        /** All 1 (gamma, moving variance). */
        ONES
    }

    /**
     * A parameter with a flat, model-unique name.
     *
     * @param name flat name such as {@code conv1_kernel}
     * @param shape dimensions, row-major (conv kernels HWIO)
     * @param kind trainable, or state updated by the training pass
     * @param init how {@link Weights#initial} fills it
     */
    public record Param(String name, long[] shape, ParamKind kind, Init init) {
        public Param {
            if (name == null || name.isBlank()) {
                throw new SmoothcalException("Param.name must not be blank, found " + name);
            }
            shape = shape.clone();
            if (kind == null || init == null) {
                throw new SmoothcalException("Param " + name + ": kind and init must be given, found " + kind + ", " + init);
            }
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** Number of values. */
        public int size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return Math.toIntExact(n);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape) + " " + kind;
        }
    }

    /**
     * One layer with resolved shapes.
     *
     * @param layer the layer
     * @param inputShape shape it reads (without batch)
     * @param outputShape shape it writes (without batch)
     * @param params its own parameters (a Concat has none; its branches hold theirs)
     * @param branches for a {@link Layer.Concat}, the resolved steps of each branch; empty otherwise
     */
    public record Step(Layer layer, long[] inputShape, long[] outputShape, List<Param> params,
            List<List<Step>> branches) {
        public Step {
            inputShape = inputShape.clone();
            outputShape = outputShape.clone();
            params = List.copyOf(params);
            List<List<Step>> copy = new ArrayList<>();
            for (List<Step> b : branches) {
                copy.add(List.copyOf(b));
            }
            branches = List.copyOf(copy);
        }

        /** A step without branches. */
        public Step(Layer layer, long[] inputShape, long[] outputShape, List<Param> params) {
            this(layer, inputShape, outputShape, params, List.of());
        }

        @Override
        public long[] inputShape() {
            return inputShape.clone();
        }

        @Override
        public long[] outputShape() {
            return outputShape.clone();
        }

        /** The parameter of this step whose name ends in {@code _suffix} (such as {@code kernel}). */
        public Param param(String suffix) {
            for (Param p : params) {
                if (p.name().endsWith("_" + suffix)) {
                    return p;
                }
            }
            throw new SmoothcalException("layer " + layer + " has no parameter *_" + suffix + "; found " + params);
        }
    }

    /** All parameters (trainable and state), depth-first in layer order, branches in order. */
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        collect(steps, all);
        return all;
    }

    /** The parameters the optimizer trains. */
    public List<Param> trainableParams() {
        return params().stream().filter(p -> p.kind() == ParamKind.TRAINABLE).toList();
    }

    /** Total number of values, trainable and state (as Keras' "total params"). */
    public long parameterCount() {
        return params().stream().mapToLong(Param::size).sum();
    }

    /** Number of trainable values. */
    public long trainableParameterCount() {
        return trainableParams().stream().mapToLong(Param::size).sum();
    }

    private static void collect(List<Step> steps, List<Param> into) {
        for (Step s : steps) {
            into.addAll(s.params());
            for (List<Step> b : s.branches()) {
                collect(b, into);
            }
        }
    }
}
