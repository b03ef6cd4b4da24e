package dev.smoothcal.trainer.augment;

import dev.smoothcal.core.SmoothcalException;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gather;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Random whole-pixel shifts and horizontal flips in-graph, one independent draw per sample, from
 * stateless random ops (sub-streams of the step seed: 0 row shifts, 1 column shifts, 2 flips). Holds
 * configuration only.
 *
 * <p>With {@code dy, dx} uniform integers in {@code [-round(heightShift H), round(heightShift H)]} (and
 * likewise for W) and {@code f} 1 for a flipped sample, output pixel {@code (r, c)} is input pixel
 * {@code (r - dy, c' - dx)} with {@code c' = W-1-c} when flipped, else {@code c}: the image is mirrored
 * first, then shifted. Source pixels outside the image are filled per {@link FillMode}. Whole pixels
 * instead of Keras' interpolated sub-pixel shifts: no resampling blur, and the pixel values stay the
 * input's.
 */
public record ShiftFlip(ShiftFlipConfig config) {

    /**
     * Checks the configuration.
     *
     * @param config the shift and flip settings
     * @throws SmoothcalException if {@code config} is null
     */
    public ShiftFlip {
        if (config == null) {
            throw new SmoothcalException("shift/flip configuration must be given (ShiftFlipConfig.OFF for none), found none");
        }
    }

    /**
     * Augments a batch.
     *
     * @param tf the ops of the graph being built
     * @param images {@code [N, H, W, C]}, N (and H, W) may be dynamic
     * @param seed int64 {@code [2]}: {@code [runSeed, step]}
     * @return the augmented images
     */
    public Shifted apply(Ops tf, Operand<TFloat32> images, Operand<TInt64> seed) {
        MixAugmentation.checkRank("images", images, 4);
        Operand<TInt32> shape = tf.shape(images);
        Operand<TInt32> n = MixAugmentation.dim(tf, images, shape, 0);
        Operand<TInt32> h = MixAugmentation.dim(tf, images, shape, 1);
        Operand<TInt32> w = MixAugmentation.dim(tf, images, shape, 2);
        Operand<TInt32> nVec = tf.reshape(n, tf.constant(new int[] {1}));
        if (config.isIdentity()) {
            // three distinct ops, so that fetching all of them in one run does not collide on one name
            return new Shifted(images, tf.zeros(nVec, TInt32.class), tf.zeros(nVec, TInt32.class),
                    tf.zeros(nVec, TInt32.class));
        }
        RandomStreams random = RandomStreams.split(tf, seed, 3);
        Operand<TInt32> dy = random.symmetricInt(0, nVec, maxShift(tf, h, config.heightShift()));
        Operand<TInt32> dx = random.symmetricInt(1, nVec, maxShift(tf, w, config.widthShift()));
        Operand<TInt32> flipped = config.flip() == FlipMode.HORIZONTAL
                ? tf.dtypes.cast(tf.math.less(random.uniform(2, nVec), tf.constant(0.5f)), TInt32.class)
                : tf.zeros(nVec, TInt32.class);

        int[] column = {-1, 1};
        Operand<TInt32> r = tf.reshape(tf.range(tf.constant(0), h, tf.constant(1)), tf.constant(new int[] {1, -1}));
        Operand<TInt32> c = tf.reshape(tf.range(tf.constant(0), w, tf.constant(1)), tf.constant(new int[] {1, -1}));
        Operand<TInt32> srcRow = tf.math.sub(r, tf.reshape(dy, tf.constant(column))); // [N, H]
        // mirrored column W-1-c = c + f (W-1-2c)
        Operand<TInt32> mirror = tf.math.mul(tf.reshape(flipped, tf.constant(column)),
                tf.math.sub(tf.math.sub(w, tf.constant(1)), tf.math.mul(tf.constant(2), c)));
        Operand<TInt32> srcCol = tf.math.sub(tf.math.add(c, mirror), tf.reshape(dx, tf.constant(column))); // [N, W]

        Operand<TFloat32> out = tf.gather(images, clip(tf, srcRow, h), tf.constant(1), Gather.batchDims(1L));
        out = tf.gather(out, clip(tf, srcCol, w), tf.constant(2), Gather.batchDims(1L));
        if (config.fill() == FillMode.ZERO) {
            // [N, H] -> [N, H, 1, 1] and [N, W] -> [N, 1, W, 1]
            Operand<TFloat32> rowOk = tf.reshape(valid(tf, srcRow, h), tf.stack(List.of(n, h, one(tf), one(tf))));
            Operand<TFloat32> colOk = tf.reshape(valid(tf, srcCol, w), tf.stack(List.of(n, one(tf), w, one(tf))));
            out = tf.math.mul(out, tf.math.mul(rowOk, colOk));
        }
        return new Shifted(out, dy, dx, flipped);
    }

    /** {@code round(fraction * size)} pixels. */
    private static Operand<TInt32> maxShift(Ops tf, Operand<TInt32> size, double fraction) {
        return tf.dtypes.cast(tf.math.round(tf.math.mul(tf.dtypes.cast(size, TFloat32.class),
                tf.constant((float) fraction))), TInt32.class);
    }

    private static Operand<TInt32> one(Ops tf) {
        return tf.constant(1);
    }

    private static Operand<TInt32> clip(Ops tf, Operand<TInt32> index, Operand<TInt32> size) {
        return tf.clipByValue(index, tf.constant(0), tf.math.sub(size, tf.constant(1)));
    }

    private static Operand<TFloat32> valid(Ops tf, Operand<TInt32> index, Operand<TInt32> size) {
        return tf.dtypes.cast(tf.math.logicalAnd(tf.math.greaterEqual(index, tf.constant(0)),
                tf.math.less(index, size)), TFloat32.class);
    }
}
