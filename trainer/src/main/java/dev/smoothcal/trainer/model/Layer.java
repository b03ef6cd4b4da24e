package dev.smoothcal.trainer.model;

import dev.smoothcal.core.SmoothcalException;
import java.util.ArrayList;
import java.util.List;

/**
 * One layer of a declarative model description. Spatial layers work on NHWC images; kernels are HWIO.
 * The final classification {@code Dense} layer with one unit per class is appended by
 * {@link ModelSpec#resolve} from the data, so descriptions do not repeat the class count.
 */
public sealed interface Layer {

    /**
     * Calls the method of {@code visitor} for this layer's type: the one dispatch over layer types, so a
     * new layer type is a compile error in every walker until each handles it.
     *
     * @param <R> what the visitor returns
     * @param visitor the walker
     * @return the visitor's result for this layer
     */
    <R> R accept(Visitor<R> visitor);

    /**
     * One method per layer type, for {@link Layer#accept}.
     *
     * @param <R> what each method returns
     */
    interface Visitor<R> {
        /**
         * Visits a fully connected layer.
         *
         * @param layer the layer
         * @return the result for it
         */
        R dense(Dense layer);

        /**
         * Visits a ReLU.
         *
         * @param layer the layer
         * @return the result for it
         */
        R relu(Relu layer);

        /**
         * Visits a Flatten.
         *
         * @param layer the layer
         * @return the result for it
         */
        R flatten(Flatten layer);

        /**
         * Visits a dropout layer.
         *
         * @param layer the layer
         * @return the result for it
         */
        R dropout(Dropout layer);

        /**
         * Visits a 2-D convolution.
         *
         * @param layer the layer
         * @return the result for it
         */
        R conv2d(Conv2D layer);

        /**
         * Visits a max pooling layer.
         *
         * @param layer the layer
         * @return the result for it
         */
        R maxPool(MaxPool layer);

        /**
         * Visits an average pooling layer.
         *
         * @param layer the layer
         * @return the result for it
         */
        R averagePool(AveragePool layer);

        /**
         * Visits a global average pooling layer.
         *
         * @param layer the layer
         * @return the result for it
         */
        R globalAveragePool(GlobalAveragePool layer);

        /**
         * Visits a batch normalisation layer.
         *
         * @param layer the layer
         * @return the result for it
         */
        R batchNorm(BatchNorm layer);

        /**
         * Visits parallel branches concatenated on channels.
         *
         * @param layer the layer
         * @return the result for it
         */
        R concat(Concat layer);

        /**
         * Visits parallel branches summed element-wise (a residual connection).
         *
         * @param layer the layer
         * @return the result for it
         */
        R add(Add layer);
    }

    /** Whether a convolution adds a per-filter bias. */
    enum Bias {
        /** {@code y = conv(x, W) + b}. */
        USE,
        /** {@code y = conv(x, W)}, usual before a batch norm whose beta plays the bias. */
        NONE
    }

    /** Fully connected layer {@code y = x W + b}, kernel {@code [in, units]}, Glorot-uniform initialised. */
    record Dense(int units) implements Layer {
        /**
         * Validates the field: {@code units >= 1}.
         *
         * @param units output width, at least 1
         */
        public Dense {
            requireAtLeast("Dense.units", units, 1);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.dense(this);
        }
    }

    /** {@code max(x, 0)}. */
    record Relu() implements Layer {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.relu(this);
        }
    }

    /** Reshapes {@code [N, H, W, C]} to {@code [N, H*W*C]} in row-major NHWC order. */
    record Flatten() implements Layer {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.flatten(this);
        }
    }

    /** Inverted dropout with drop probability {@code rate} while training; identity at inference and export. */
    record Dropout(double rate) implements Layer {
        /**
         * Validates the field: {@code 0 <= rate < 1}.
         *
         * @param rate drop probability while training, in [0, 1)
         */
        public Dropout {
            if (!(rate >= 0.0 && rate < 1.0)) {
                throw new SmoothcalException("Dropout.rate must be in [0, 1), found " + rate);
            }
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.dropout(this);
        }
    }

    /**
     * 2-D convolution (cross-correlation, as TF) of an {@code [H, W, Cin]} input with an HWIO kernel
     * {@code [kernelH, kernelW, Cin, filters]}, output {@code [H', W', filters]} with H', W' from
     * {@link Padding}.
     */
    record Conv2D(int filters, int kernelH, int kernelW, int strideH, int strideW, Padding padding, Bias bias)
            implements Layer {
        /**
         * Validates the fields: sizes and strides at least 1, padding and bias given.
         *
         * @param filters output channels
         * @param kernelH kernel height
         * @param kernelW kernel width
         * @param strideH vertical stride
         * @param strideW horizontal stride
         * @param padding SAME or VALID
         * @param bias whether a per-filter bias is added
         */
        public Conv2D {
            requireAtLeast("Conv2D.filters", filters, 1);
            requireAtLeast("Conv2D.kernelH", kernelH, 1);
            requireAtLeast("Conv2D.kernelW", kernelW, 1);
            requireAtLeast("Conv2D.strideH", strideH, 1);
            requireAtLeast("Conv2D.strideW", strideW, 1);
            requireNonNull("Conv2D.padding", padding);
            requireNonNull("Conv2D.bias", bias);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.conv2d(this);
        }

        /**
         * A square {@code k x k} kernel with stride {@code s} on both axes.
         *
         * @param filters output channels, at least 1
         * @param k kernel height and width, at least 1
         * @param s stride on both axes, at least 1
         * @param padding SAME or VALID
         * @param bias whether a per-filter bias is added
         * @return the layer
         */
        public static Conv2D square(int filters, int k, int s, Padding padding, Bias bias) {
            return new Conv2D(filters, k, k, s, s, padding, bias);
        }
    }

    /** Max over each window; SAME padding never wins the max (TF pads with -infinity). */
    record MaxPool(int poolH, int poolW, int strideH, int strideW, Padding padding) implements Layer {
        /**
         * Validates the fields: pool and strides at least 1, padding given.
         *
         * @param poolH window height
         * @param poolW window width
         * @param strideH vertical stride
         * @param strideW horizontal stride
         * @param padding SAME or VALID
         */
        public MaxPool {
            requireWindow("MaxPool", poolH, poolW, strideH, strideW, padding);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.maxPool(this);
        }
    }

    /** Mean over each window; with SAME padding the mean is over the real (unpadded) values only, as TF. */
    record AveragePool(int poolH, int poolW, int strideH, int strideW, Padding padding) implements Layer {
        /**
         * Validates the fields: pool and strides at least 1, padding given.
         *
         * @param poolH window height
         * @param poolW window width
         * @param strideH vertical stride
         * @param strideW horizontal stride
         * @param padding SAME or VALID
         */
        public AveragePool {
            requireWindow("AveragePool", poolH, poolW, strideH, strideW, padding);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.averagePool(this);
        }
    }

    /** {@code [H, W, C] -> [C]}: the mean over all spatial positions. */
    record GlobalAveragePool() implements Layer {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.globalAveragePool(this);
        }
    }

    /**
     * Batch normalisation over the last (channel) axis, Keras semantics. Training: batch mean
     * {@code m} and biased variance {@code v} over every axis but the last,
     * {@code y = gamma (x - m) / sqrt(v + epsilon) + beta}, and the moving statistics are updated as
     * {@code moving = momentum * moving + (1 - momentum) * batch}. Inference: the moving statistics
     * replace {@code m} and {@code v}.
     */
    record BatchNorm(double momentum, double epsilon) implements Layer {
        /** Keras' default momentum. */
        public static final double DEFAULT_MOMENTUM = 0.99;
        /** Keras' default epsilon (ONNX's own default is 1e-5, so exporters always write it). */
        public static final double DEFAULT_EPSILON = 1e-3;

        /**
         * Validates the fields: {@code 0 <= momentum < 1}, {@code 0 < epsilon < 1}.
         *
         * @param momentum weight of the old moving statistics in each update
         * @param epsilon added to the variance before the square root
         */
        public BatchNorm {
            if (!(momentum >= 0.0 && momentum < 1.0)) {
                throw new SmoothcalException("BatchNorm.momentum must be in [0, 1), found " + momentum);
            }
            if (!(epsilon > 0.0 && epsilon < 1.0)) {
                throw new SmoothcalException("BatchNorm.epsilon must be in (0, 1), found " + epsilon);
            }
        }

        /** Keras' defaults: momentum 0.99, epsilon 1e-3. */
        public BatchNorm() {
            this(DEFAULT_MOMENTUM, DEFAULT_EPSILON);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.batchNorm(this);
        }
    }

    /**
     * Parallel branches on the same {@code [H, W, C]} input, their outputs concatenated on the channel
     * axis. Every branch must end in the same {@code H, W}; an empty branch passes the input through.
     */
    record Concat(List<List<Layer>> branches) implements Layer {
        /**
         * Validates and copies: at least 2 branches, each an immutable copy.
         *
         * @param branches the layer lists applied to the same input; an empty one passes the input through
         */
        public Concat {
            if (branches == null || branches.size() < 2) {
                throw new SmoothcalException("Concat.branches must hold at least 2 branches, found "
                        + (branches == null ? "none" : branches.size()));
            }
            List<List<Layer>> copy = new ArrayList<>();
            for (List<Layer> b : branches) {
                copy.add(List.copyOf(b));
            }
            branches = List.copyOf(copy);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.concat(this);
        }
    }

    /**
     * Parallel branches on the same input, their outputs summed element-wise: the residual connection of
     * He et al. 2016, {@code y = F(x) + shortcut(x)}, as Keras' {@code Add()}. Every branch must end in the
     * same shape (image or flat); an empty branch passes the input through (an identity shortcut).
     */
    record Add(List<List<Layer>> branches) implements Layer {
        /**
         * Validates and copies: at least 2 branches, each an immutable copy.
         *
         * @param branches the layer lists applied to the same input; an empty one passes the input through
         */
        public Add {
            branches = copyBranches("Add", branches);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.add(this);
        }
    }

    private static List<List<Layer>> copyBranches(String layer, List<List<Layer>> branches) {
        if (branches == null || branches.size() < 2) {
            throw new SmoothcalException(layer + ".branches must hold at least 2 branches, found "
                    + (branches == null ? "none" : branches.size()));
        }
        List<List<Layer>> copy = new ArrayList<>();
        for (List<Layer> b : branches) {
            copy.add(List.copyOf(b));
        }
        return List.copyOf(copy);
    }

    private static void requireAtLeast(String field, int value, int min) {
        if (value < min) {
            throw new SmoothcalException(field + " must be at least " + min + ", found " + value);
        }
    }

    private static void requireNonNull(String field, Object value) {
        if (value == null) {
            throw new SmoothcalException(field + " must be given, found none");
        }
    }

    private static void requireWindow(String layer, int poolH, int poolW, int strideH, int strideW, Padding padding) {
        requireAtLeast(layer + ".poolH", poolH, 1);
        requireAtLeast(layer + ".poolW", poolW, 1);
        requireAtLeast(layer + ".strideH", strideH, 1);
        requireAtLeast(layer + ".strideW", strideW, 1);
        requireNonNull(layer + ".padding", padding);
    }
}
