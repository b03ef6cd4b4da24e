package dev.smoothcal.trainer.model;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.trainer.model.Layer.Bias;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends layers in order, with Keras' defaults where a call leaves a setting out: what
 * {@link ModelSpec.Builder} (a whole model) and {@link Branch} (one branch of a {@link Layer.Concat}) share.
 * Every method validates as the layer's record does and returns this builder.
 *
 * <p>Defaults: convolutions stride 1, padding {@link Padding#VALID}, with a bias ({@link Bias#USE});
 * pooling stride equal to the pool size, padding {@link Padding#VALID}; batch norm momentum
 * {@value Layer.BatchNorm#DEFAULT_MOMENTUM}, epsilon {@value Layer.BatchNorm#DEFAULT_EPSILON}. Kernels and
 * pools given as one size are square, strides as one number are the same on both axes; other shapes go
 * through {@link #add(Layer)}.
 *
 * @param <B> the concrete builder, returned by every method
 */
public abstract sealed class LayerBuilder<B extends LayerBuilder<B>> permits ModelSpec.Builder, LayerBuilder.Branch {
    private final List<Layer> layers = new ArrayList<>();

    LayerBuilder() {
    }

    abstract B self();

    /** The layers appended so far. */
    final List<Layer> layers() {
        return List.copyOf(layers);
    }

    /**
     * Appends any layer, for shapes the shorthands do not cover (a 1x3 kernel, different strides per axis).
     *
     * @param layer the layer
     * @return this builder
     */
    public final B add(Layer layer) {
        if (layer == null) {
            throw new SmoothcalException("layer must be given, found none");
        }
        layers.add(layer);
        return self();
    }

    /**
     * Appends a {@code kernel x kernel} convolution, stride 1, VALID padding, with a bias.
     *
     * @param filters output channels, at least 1
     * @param kernel kernel height and width, at least 1
     * @return this builder
     */
    public final B conv2d(int filters, int kernel) {
        return conv2d(filters, kernel, 1, Padding.VALID, Bias.USE);
    }

    /**
     * Appends a {@code kernel x kernel} convolution, stride 1, with a bias.
     *
     * @param filters output channels, at least 1
     * @param kernel kernel height and width, at least 1
     * @param padding SAME or VALID
     * @return this builder
     */
    public final B conv2d(int filters, int kernel, Padding padding) {
        return conv2d(filters, kernel, 1, padding, Bias.USE);
    }

    /**
     * Appends a {@code kernel x kernel} convolution, stride 1.
     *
     * @param filters output channels, at least 1
     * @param kernel kernel height and width, at least 1
     * @param padding SAME or VALID
     * @param bias whether it adds a per-filter bias ({@link Bias#NONE} before a batch norm)
     * @return this builder
     */
    public final B conv2d(int filters, int kernel, Padding padding, Bias bias) {
        return conv2d(filters, kernel, 1, padding, bias);
    }

    /**
     * Appends a {@code kernel x kernel} convolution with a bias.
     *
     * @param filters output channels, at least 1
     * @param kernel kernel height and width, at least 1
     * @param stride stride on both axes, at least 1
     * @param padding SAME or VALID
     * @return this builder
     */
    public final B conv2d(int filters, int kernel, int stride, Padding padding) {
        return conv2d(filters, kernel, stride, padding, Bias.USE);
    }

    /**
     * Appends a {@code kernel x kernel} convolution.
     *
     * @param filters output channels, at least 1
     * @param kernel kernel height and width, at least 1
     * @param stride stride on both axes, at least 1
     * @param padding SAME or VALID
     * @param bias whether it adds a per-filter bias
     * @return this builder
     */
    public final B conv2d(int filters, int kernel, int stride, Padding padding, Bias bias) {
        return add(Layer.Conv2D.square(filters, kernel, stride, padding, bias));
    }

    /**
     * Appends a {@code pool x pool} max pooling, stride {@code pool}, VALID padding.
     *
     * @param pool window height and width, at least 1
     * @return this builder
     */
    public final B maxPool(int pool) {
        return maxPool(pool, pool, Padding.VALID);
    }

    /**
     * Appends a {@code pool x pool} max pooling, stride {@code pool}.
     *
     * @param pool window height and width, at least 1
     * @param padding SAME or VALID
     * @return this builder
     */
    public final B maxPool(int pool, Padding padding) {
        return maxPool(pool, pool, padding);
    }

    /**
     * Appends a {@code pool x pool} max pooling.
     *
     * @param pool window height and width, at least 1
     * @param stride stride on both axes, at least 1
     * @param padding SAME or VALID
     * @return this builder
     */
    public final B maxPool(int pool, int stride, Padding padding) {
        return add(new Layer.MaxPool(pool, pool, stride, stride, padding));
    }

    /**
     * Appends a {@code pool x pool} average pooling, stride {@code pool}, VALID padding.
     *
     * @param pool window height and width, at least 1
     * @return this builder
     */
    public final B averagePool(int pool) {
        return averagePool(pool, pool, Padding.VALID);
    }

    /**
     * Appends a {@code pool x pool} average pooling, stride {@code pool}.
     *
     * @param pool window height and width, at least 1
     * @param padding SAME or VALID
     * @return this builder
     */
    public final B averagePool(int pool, Padding padding) {
        return averagePool(pool, pool, padding);
    }

    /**
     * Appends a {@code pool x pool} average pooling.
     *
     * @param pool window height and width, at least 1
     * @param stride stride on both axes, at least 1
     * @param padding SAME or VALID
     * @return this builder
     */
    public final B averagePool(int pool, int stride, Padding padding) {
        return add(new Layer.AveragePool(pool, pool, stride, stride, padding));
    }

    /**
     * Appends a global average pooling, {@code [H, W, C] -> [C]}.
     *
     * @return this builder
     */
    public final B globalAveragePool() {
        return add(new Layer.GlobalAveragePool());
    }

    /**
     * Appends a batch norm with Keras' momentum 0.99 and epsilon 1e-3.
     *
     * @return this builder
     */
    public final B batchNorm() {
        return add(new Layer.BatchNorm());
    }

    /**
     * Appends a batch norm.
     *
     * @param momentum weight of the old moving statistics, in [0, 1)
     * @param epsilon added to the variance, in (0, 1)
     * @return this builder
     */
    public final B batchNorm(double momentum, double epsilon) {
        return add(new Layer.BatchNorm(momentum, epsilon));
    }

    /**
     * Appends a ReLU.
     *
     * @return this builder
     */
    public final B relu() {
        return add(new Layer.Relu());
    }

    /**
     * Appends a Flatten, {@code [H, W, C] -> [H*W*C]} in NHWC order.
     *
     * @return this builder
     */
    public final B flatten() {
        return add(new Layer.Flatten());
    }

    /**
     * Appends an inverted dropout, active only while training.
     *
     * @param rate drop probability, in [0, 1)
     * @return this builder
     */
    public final B dropout(double rate) {
        return add(new Layer.Dropout(rate));
    }

    /**
     * Appends a fully connected layer (on a flat input).
     *
     * @param units output width, at least 1
     * @return this builder
     */
    public final B dense(int units) {
        return add(new Layer.Dense(units));
    }

    /**
     * Appends parallel branches whose outputs are concatenated on the channel axis.
     *
     * @param branches at least two layer lists; an empty one passes the input through
     * @return this builder
     */
    public final B concat(List<List<Layer>> branches) {
        return add(new Layer.Concat(branches));
    }

    /**
     * Appends parallel branches, each built with {@link ModelSpec#branch()}, whose outputs are
     * concatenated on the channel axis; the branches' layers are read now, so later calls on a branch
     * builder do not change this model.
     *
     * @param first the first branch
     * @param second the second branch
     * @param more further branches
     * @return this builder
     */
    public final B concat(Branch first, Branch second, Branch... more) {
        List<List<Layer>> branches = new ArrayList<>();
        branches.add(first.layers());
        branches.add(second.layers());
        for (Branch b : more) {
            branches.add(b.layers());
        }
        return concat(branches);
    }

    /**
     * Appends parallel branches, each built with {@link ModelSpec#branch()}, whose outputs are summed
     * element-wise ({@link Layer.Add}, a residual connection); an empty branch is the identity shortcut, so
     * {@code .sum(ModelSpec.branch().conv2d(16, 3, Padding.SAME).batchNorm().relu().conv2d(16, 3, Padding.SAME)
     * .batchNorm(), ModelSpec.branch()).relu()} is a basic residual block. The branches' layers are read now.
     *
     * @param first the first branch
     * @param second the second branch
     * @param more further branches
     * @return this builder
     */
    public final B sum(Branch first, Branch second, Branch... more) {
        List<List<Layer>> branches = new ArrayList<>();
        branches.add(first.layers());
        branches.add(second.layers());
        for (Branch b : more) {
            branches.add(b.layers());
        }
        return add(new Layer.Add(branches));
    }

    /** The layers of one branch of a {@link Layer.Concat} or {@link Layer.Add}; made by {@link ModelSpec#branch()}. */
    public static final class Branch extends LayerBuilder<Branch> {
        Branch() {
        }

        @Override
        Branch self() {
            return this;
        }

        /**
         * The branch's layers.
         *
         * @return the layers appended so far, in order (immutable)
         */
        public List<Layer> build() {
            return layers();
        }
    }
}
