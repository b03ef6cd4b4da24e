package dev.smoothcal.trainer.loss;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import org.tensorflow.Operand;
import org.tensorflow.framework.losses.CategoricalCrossentropy;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Label-smoothed categorical cross-entropy on logits, mean over the batch, through
 * tensorflow-framework's Keras-compatible {@link CategoricalCrossentropy}. Holds configuration only;
 * the graph comes at call time.
 *
 * <p>The framework implements the uniform convention {@code t = (1 - a) y + a / K}. The other-classes
 * convention {@code t = (1 - a) y + a (1 - y) / (K - 1)} is the uniform one with
 * {@code a' = a K / (K - 1)}, which is what is passed for it. K is read from the labels' static
 * shape, so {@code labels} must have a known class dimension (else the smoothing would be silently wrong);
 * a dynamic one is refused. For integer labels and many classes see {@link SparseSmoothedCrossEntropy}.
 */
public record SmoothedCrossEntropy(LabelSmoothing smoothing) {

    /**
     * Mean smoothed loss.
     *
     * @param tf the ops of the graph being built
     * @param labels {@code [N, K]} one-hot or soft labels with static K
     * @param logits {@code [N, K]}
     * @return the scalar loss
     */
    public Operand<TFloat32> call(Ops tf, Operand<TFloat32> labels, Operand<TFloat32> logits) {
        long k = labels.shape().get(labels.shape().numDimensions() - 1);
        if (k <= 0) {
            throw new SmoothcalException("labels need a static class dimension, found shape " + labels.shape());
        }
        if (k < 2 && smoothing.convention() == SmoothingConvention.OTHER_CLASSES) {
            throw new SmoothcalException("other-classes smoothing needs at least 2 classes, found " + k);
        }
        float alpha = (float) uniformAlpha(smoothing, (int) k);
        return new CategoricalCrossentropy(true, alpha).call(tf, labels, logits, null);
    }

    /**
     * The labels smoothed explicitly, {@code t = (1 - a') y + a' / K} with {@code a'} the uniform-convention
     * factor of {@link #uniformAlpha}: what {@link SmoothingMethod#LABELS} feeds a loss with {@code a = 0}.
     *
     * @param tf the ops of the graph being built
     * @param labels {@code [N, K]} one-hot or soft labels with static K
     * @return the smoothed labels, same shape
     */
    public Operand<TFloat32> smoothLabels(Ops tf, Operand<TFloat32> labels) {
        long k = labels.shape().get(labels.shape().numDimensions() - 1);
        if (k < 2) {
            throw new SmoothcalException("labels need a static class dimension of at least 2, found shape "
                    + labels.shape());
        }
        double alpha = uniformAlpha(smoothing, (int) k);
        return tf.math.add(tf.math.mul(labels, tf.constant((float) (1 - alpha))), tf.constant((float) (alpha / k)));
    }

    /**
     * The uniform-convention factor equivalent to {@code smoothing} over {@code k} classes.
     *
     * @param smoothing the smoothing, uniform or other-classes
     * @param k the class count K, at least 2
     * @return {@code alpha} for uniform, {@code alpha * K / (K - 1)} for other-classes
     */
    public static double uniformAlpha(LabelSmoothing smoothing, int k) {
        return smoothing.convention() == SmoothingConvention.UNIFORM
                ? smoothing.alpha()
                : smoothing.alpha() * k / (k - 1.0);
    }
}
