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

    /**
     * Copies the step list.
     *
     * @param name model name
     * @param input image shape (NHWC without batch)
     * @param numClasses width of the logits
     * @param steps layers in order, with shapes and parameters
     */
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
     * What a parameter is to its layer; the step's walkers find parameters by role, never by name. Each role
     * fixes whether the optimizer trains the parameter and how it is initialised.
     */
    public enum Role {
        /** Dense kernel {@code [in, units]} or conv kernel HWIO; trainable, Glorot-uniform. */
        KERNEL("kernel", ParamKind.TRAINABLE, Init.GLOROT_UNIFORM),
        /** Dense or conv bias, one per unit or filter; trainable, zeros. */
        BIAS("bias", ParamKind.TRAINABLE, Init.ZEROS),
        /** Batch-norm scale; trainable, ones. */
        GAMMA("gamma", ParamKind.TRAINABLE, Init.ONES),
        /** Batch-norm offset; trainable, zeros. */
        BETA("beta", ParamKind.TRAINABLE, Init.ZEROS),
        /** Batch-norm moving mean; state, zeros. */
        MOVING_MEAN("moving_mean", ParamKind.STATE, Init.ZEROS),
        /** Batch-norm moving (biased) variance; state, ones. */
        MOVING_VARIANCE("moving_variance", ParamKind.STATE, Init.ONES);

        private final String suffix;
        private final ParamKind kind;
        private final Init init;

        Role(String suffix, ParamKind kind, Init init) {
            this.suffix = suffix;
            this.kind = kind;
            this.init = init;
        }

        /**
         * The end of the flat name of a parameter with this role: {@code conv3_} + {@code kernel}.
         *
         * @return the suffix, such as {@code moving_mean}
         */
        public String suffix() {
            return suffix;
        }

        /**
         * Whether a parameter with this role is trained or is state.
         *
         * @return the kind
         */
        public ParamKind kind() {
            return kind;
        }

        /**
         * How {@link Weights#initial} fills a parameter with this role.
         *
         * @return the initialiser
         */
        public Init init() {
            return init;
        }
    }

    /**
     * A parameter with a flat, model-unique name. Its kind and initialiser follow from its role.
     *
     * @param name flat name such as {@code conv1_kernel} (layer kind, its number in the model, the role's
     *     suffix); checkpoints, SavedModel variables, ONNX initialisers and the weights fingerprint use it
     * @param shape dimensions, row-major (conv kernels HWIO)
     * @param role what the parameter is to its layer
     */
    public record Param(String name, long[] shape, Role role) {
        /**
         * Validates: name not blank, role given; copies the shape.
         *
         * @param name flat name such as {@code conv1_kernel}
         * @param shape dimensions, row-major
         * @param role what the parameter is to its layer
         */
        public Param {
            if (name == null || name.isBlank()) {
                throw new SmoothcalException("Param.name must not be blank, found " + name);
            }
            shape = shape.clone();
            if (role == null) {
                throw new SmoothcalException("Param " + name + ": role must be given, found none");
            }
        }

        /**
         * Whether the optimizer trains this parameter or the training pass updates it.
         *
         * @return {@code role().kind()}
         */
        public ParamKind kind() {
            return role.kind();
        }

        /**
         * How {@link Weights#initial} fills this parameter.
         *
         * @return {@code role().init()}
         */
        public Init init() {
            return role.init();
        }

        /**
         * The dimensions (a copy).
         *
         * @return row-major dimensions
         */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        /**
         * Number of values, the product of the dimensions.
         *
         * @return the element count
         */
        public int size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return Math.toIntExact(n);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape) + " " + kind();
        }
    }

    /**
     * One layer with resolved shapes.
     *
     * @param layer the layer
     * @param inputShape shape it reads (without batch)
     * @param outputShape shape it writes (without batch)
     * @param params its own parameters (a Concat or Add has none; its branches hold theirs)
     * @param branches for a {@link Layer.Concat} or {@link Layer.Add}, the resolved steps of each branch; empty otherwise
     */
    public record Step(Layer layer, long[] inputShape, long[] outputShape, List<Param> params,
            List<List<Step>> branches) {
        /**
         * Copies the shapes and lists.
         *
         * @param layer the layer
         * @param inputShape shape it reads (without batch)
         * @param outputShape shape it writes (without batch)
         * @param params its own parameters
         * @param branches for a Concat or Add, each branch's steps; empty otherwise
         */
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

        /**
         * A step without branches.
         *
         * @param layer the layer
         * @param inputShape shape it reads (without batch)
         * @param outputShape shape it writes (without batch)
         * @param params its parameters
         */
        public Step(Layer layer, long[] inputShape, long[] outputShape, List<Param> params) {
            this(layer, inputShape, outputShape, params, List.of());
        }

        /**
         * The shape this step reads (a copy).
         *
         * @return dimensions without the batch axis
         */
        @Override
        public long[] inputShape() {
            return inputShape.clone();
        }

        /**
         * The shape this step writes (a copy).
         *
         * @return dimensions without the batch axis
         */
        @Override
        public long[] outputShape() {
            return outputShape.clone();
        }

        /**
         * The parameter of this step with {@code role}. Walkers ask only for roles the layer has (a conv
         * without bias is never asked for its {@link Role#BIAS}), so a missing role is a defect.
         *
         * @param role what the parameter is to the layer
         * @return the parameter
         * @throws SmoothcalException a defect, when the step has no parameter with that role
         */
        public Param param(Role role) {
            for (Param p : params) {
                if (p.role() == role) {
                    return p;
                }
            }
            throw SmoothcalException.defect("layer " + layer + " has no " + role + " parameter; found " + params);
        }
    }

    /**
     * All parameters, trainable and state.
     *
     * @return depth-first in layer order, branches in order
     */
    public List<Param> params() {
        List<Param> all = new ArrayList<>();
        collect(steps, all);
        return all;
    }

    /**
     * The parameters the optimizer trains.
     *
     * @return the {@link ParamKind#TRAINABLE} parameters, in the order of {@link #params()}
     */
    public List<Param> trainableParams() {
        return params().stream().filter(p -> p.kind() == ParamKind.TRAINABLE).toList();
    }

    /**
     * Total number of values, trainable and state (as Keras' "total params").
     *
     * @return the value count
     */
    public long parameterCount() {
        return params().stream().mapToLong(Param::size).sum();
    }

    /**
     * Number of trainable values (Keras' "trainable params").
     *
     * @return the value count
     */
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
