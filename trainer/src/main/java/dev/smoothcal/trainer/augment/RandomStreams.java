package dev.smoothcal.trainer.augment;

import dev.smoothcal.core.SmoothcalException;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.StatelessRandomGetKeyCounterAlg;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Stateless random draws for the augmentations. A step seed {@code [runSeed, step]} is split into
 * independent sub-stream seeds the way TensorFlow's {@code stateless_split} does: one
 * {@code StatelessRandomUniformFullInt} draw of shape {@code [streams, 2]}, one row per sub-stream, so
 * no two draws share a seed. Same seed tensor, same values in any fresh graph and session.
 */
final class RandomStreams {
    private final Ops tf;
    private final List<Output<TInt64>> seeds;

    private RandomStreams(Ops tf, List<Output<TInt64>> seeds) {
        this.tf = tf;
        this.seeds = seeds;
    }

    /** {@code streams} sub-streams derived from the int64 {@code [2]} step seed. */
    static RandomStreams split(Ops tf, Operand<TInt64> seed, int streams) {
        if (!seed.shape().isUnknown() && !(seed.shape().numDimensions() == 1 && seed.shape().get(0) == 2)) {
            throw new SmoothcalException("seed must be an int64 vector [2] (runSeed, step), found shape " + seed.shape());
        }
        return new RandomStreams(tf, tf.unstack(tf.random.statelessRandomUniformFullInt(
                tf.constant(new long[] {streams, 2}), seed, TInt64.class), (long) streams).output());
    }

    /** The seed of sub-stream {@code i}, int64 {@code [2]}. */
    Operand<TInt64> seed(int i) {
        return seeds.get(i);
    }

    /** Uniform {@code [0, 1)} of {@code shape} from sub-stream {@code i}. */
    Operand<TFloat32> uniform(int i, Operand<TInt32> shape) {
        return tf.random.statelessRandomUniform(shape, seed(i), TFloat32.class);
    }

    /**
     * Beta(alpha, alpha) of {@code shape} from sub-stream {@code i}, as {@code g1/(g1+g2)} of two
     * Gamma(alpha) draws in double precision (so that small alphas do not underflow both to zero);
     * should {@code g1+g2} still be 0, the draw is 0.5.
     */
    Operand<TFloat32> beta(int i, Operand<TInt32> shape, double alpha) {
        StatelessRandomGetKeyCounterAlg kca = tf.random.statelessRandomGetKeyCounterAlg(seed(i));
        Operand<TInt32> shape2 = tf.concat(List.of(tf.constant(new int[] {2}), shape), tf.constant(0));
        Operand<TFloat64> g = tf.random.statelessRandomGamma(shape2, kca.key(), kca.counter(), kca.alg(),
                tf.constant(alpha));
        List<Output<TFloat64>> pair = tf.unstack(g, 2L).output();
        Operand<TFloat64> sum = tf.math.add(pair.get(0), pair.get(1));
        Operand<TBool> positive = tf.math.greater(sum, tf.constant(0.0));
        Operand<TFloat64> ratio = tf.math.div(pair.get(0), tf.math.maximum(sum, tf.constant(Double.MIN_NORMAL)));
        Operand<TFloat64> lam = tf.select(positive, ratio, tf.constant(0.5));
        return tf.dtypes.cast(lam, TFloat32.class);
    }

    /** A uniformly random permutation of {@code 0..n-1} from sub-stream {@code i}. */
    Operand<TInt32> permutation(int i, Operand<TInt32> n) {
        StatelessRandomGetKeyCounterAlg kca = tf.random.statelessRandomGetKeyCounterAlg(seed(i));
        return tf.random.experimental.statelessShuffle(tf.range(tf.constant(0), n, tf.constant(1)), kca.key(),
                kca.counter(), kca.alg());
    }

    /** Uniform integers in {@code [-max, max]} of {@code shape} from sub-stream {@code i}. */
    Operand<TInt32> symmetricInt(int i, Operand<TInt32> shape, Operand<TInt32> max) {
        return tf.random.statelessRandomUniformInt(shape, seed(i), tf.math.neg(max),
                tf.math.add(max, tf.constant(1)));
    }
}
