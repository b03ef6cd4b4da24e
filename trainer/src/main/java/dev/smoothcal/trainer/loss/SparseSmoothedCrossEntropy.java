package dev.smoothcal.trainer.loss;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TIntegral;

/**
 * Label-smoothed cross-entropy from logits and integer class labels, mean over the batch, that never
 * builds a one-hot or smoothed target: memory and work stay {@code O(N K)} for the log-softmax alone,
 * which matters for many classes. Holds configuration only; the graph comes at call time.
 *
 * <p>With {@code l_ik = log_softmax(z_i)_k} and {@code NLL_i = -l_{i,y_i}}:
 * <ul>
 *   <li>uniform convention, {@code t = (1-a) y + a/K}:
 *       {@code loss_i = (1-a) NLL_i + a mean_k(-l_ik)};</li>
 *   <li>other-classes convention, {@code t = (1-a) y + a (1-y)/(K-1)}:
 *       {@code loss_i = (1-a) NLL_i + a/(K-1) sum_{k != y_i}(-l_ik)}. Since
 *       {@code sum_{k != y}(-l_k) = K mean_k(-l_k) - NLL}, this is
 *       {@code (1-a') NLL_i + a' mean_k(-l_ik)} with {@code a' = a K/(K-1)}, the uniform form with the
 *       factor of {@link SmoothedCrossEntropy#uniformAlpha}; that form is what the graph computes.</li>
 * </ul>
 * The batch loss is {@code mean_i loss_i}. The label column is read with a batched gather
 * ({@code batch_dims = 1}), never through a one-hot matrix.
 *
 * <p>Edge cases: K is taken from the logits' static shape when known, else from their run-time shape
 * (only the other-classes factor needs it). Other-classes smoothing with K below 2 is refused when K
 * is static; with a dynamic K of 1 its factor is infinite and the loss is not finite. Labels must lie in
 * {@code [0, K)}: on CPU TensorFlow fails the run with an out-of-range error, on GPU the gather of an
 * out-of-range label yields 0 (TensorFlow's documented behaviour), so validate labels on the host.
 */
public record SparseSmoothedCrossEntropy(LabelSmoothing smoothing) {

    /**
     * Checks the smoothing.
     *
     * @param smoothing the factor and convention
     * @throws SmoothcalException if {@code smoothing} is null
     */
    public SparseSmoothedCrossEntropy {
        if (smoothing == null) {
            throw new SmoothcalException("label smoothing must be given (LabelSmoothing.NONE for none), found none");
        }
    }

    /**
     * Mean smoothed loss.
     *
     * @param tf the ops of the graph being built
     * @param labels {@code [N]} class indices, {@code TInt32} or {@code TInt64}
     * @param logits {@code [N, K]}
     * @return scalar loss
     */
    public Operand<TFloat32> call(Ops tf, Operand<? extends TIntegral> labels, Operand<TFloat32> logits) {
        if (labels.shape().numDimensions() != 1 && !labels.shape().isUnknown()) {
            throw new SmoothcalException("labels must be a vector [N] of class indices, found shape " + labels.shape());
        }
        if (logits.shape().numDimensions() != 2 && !logits.shape().isUnknown()) {
            throw new SmoothcalException("logits must have shape [N, K], found " + logits.shape());
        }
        Operand<TFloat32> logp = tf.nn.logSoftmax(logits);
        Operand<TInt32> column = tf.expandDims(tf.dtypes.cast(labels, TInt32.class), tf.constant(-1));
        Operand<TFloat32> nll = tf.math.neg(tf.reshape(
                tf.gather(logp, column, tf.constant(1), Gather.batchDims(1L)), tf.constant(new int[] {-1})));
        if (smoothing.alpha() == 0.0) {
            return tf.math.mean(nll, tf.constant(0));
        }
        Operand<TFloat32> meanNegLogp = tf.math.neg(tf.math.mean(logp, tf.constant(-1)));
        Operand<TFloat32> a = uniformFactor(tf, logits);
        Operand<TFloat32> perSample = tf.math.add(
                tf.math.mul(tf.math.sub(tf.constant(1f), a), nll),
                tf.math.mul(a, meanNegLogp));
        return tf.math.mean(perSample, tf.constant(0));
    }

    /** The uniform-convention factor {@code a'} as a scalar graph constant, or computed from the run-time K. */
    private Operand<TFloat32> uniformFactor(Ops tf, Operand<TFloat32> logits) {
        if (smoothing.convention() == SmoothingConvention.UNIFORM) {
            return tf.constant((float) smoothing.alpha());
        }
        long k = logits.shape().isUnknown() ? -1 : logits.shape().get(1);
        if (k > 0) {
            if (k < 2) {
                throw new SmoothcalException("other-classes smoothing needs at least 2 classes, found " + k);
            }
            return tf.constant((float) SmoothedCrossEntropy.uniformAlpha(smoothing, (int) k));
        }
        Operand<TFloat32> kf = tf.dtypes.cast(tf.gather(tf.shape(logits), tf.constant(1), tf.constant(0)), TFloat32.class);
        // a' = a K / (K - 1)
        return tf.math.div(tf.math.mul(tf.constant((float) smoothing.alpha()), kf), tf.math.sub(kf, tf.constant(1f)));
    }
}
