package dev.smoothcal.trainer.augment;

import dev.smoothcal.core.SmoothcalException;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * In-graph Mixup and CutMix from stateless random ops: no host loop, runs on the training device, and
 * the same step seed gives the same batch in any fresh graph. Holds configuration only.
 *
 * <p>Pairing: sample {@code i} is mixed with sample {@code j = perm(i)} of a uniformly random in-graph
 * permutation of the batch, so any batch size works and a sample may pair with itself.
 * <ul>
 *   <li>Mixup: {@code lam ~ Beta(a, a)}, {@code x_i = lam x_i + (1-lam) x_j}.</li>
 *   <li>CutMix: {@code lam ~ Beta(a, a)}; a box of height {@code sqrt(1-lam) H} and width
 *       {@code sqrt(1-lam) W} centred at a uniform point of {@code [0,H) x [0,W)}, edges rounded to the
 *       nearest pixel (ties to even) and clipped to the image, is filled from {@code x_j}; then
 *       {@code lam = 1 - area/(H W)} with the clipped area.</li>
 *   <li>CutMix with {@code cutmixMinmax} (timm's {@code rand_bbox_minmax}): fractions
 *       {@code r_h, r_w ~ U(min, max)} drawn independently; a box of {@code bh = round(r_h H)} rows and
 *       {@code bw = round(r_w W)} columns (ties to even) whose top-left corner is uniform over the
 *       positions that keep it inside the image ({@code 0..H-bh}, {@code 0..W-bw}); then
 *       {@code lam = 1 - bh bw/(H W)}.</li>
 *   <li>Labels: {@code y_i = lam y_i + (1-lam) y_j} with the {@code lam} used for the image, so the
 *       cross-entropy of the mixed label is {@code lam CE(y_i) + (1-lam) CE(y_j)}.</li>
 * </ul>
 * With probability {@code 1 - probability} a batch (mode BATCH) or a sample (mode ELEM) is left alone:
 * {@code lam = 1} exactly and its image and label come out bit-identical. When both methods are on,
 * CutMix is chosen with {@code switchProbability}. Labels must be one-hot or soft and unsmoothed:
 * smoothing is affine, so it is applied once, in the loss.
 *
 * <p>Random sub-streams of the step seed: 0 the uniforms (apply, switch, box centre or corner), 1 Mixup's
 * Beta, 2 CutMix's Beta, 3 the permutation, 4 (with {@code cutmixMinmax} only) the box side fractions.
 */
public record MixAugmentation(MixConfig config) {

    /**
     * Checks the configuration.
     *
     * @param config the Mixup / CutMix settings
     * @throws SmoothcalException if {@code config} is null
     */
    public MixAugmentation {
        if (config == null) {
            throw new SmoothcalException("mix configuration must be given (MixConfig.OFF for none), found none");
        }
    }

    /**
     * Mixes a batch.
     *
     * @param tf the ops of the graph being built
     * @param images {@code [N, H, W, C]}, N (and H, W) may be dynamic
     * @param labels {@code [N, K]} one-hot or soft, unsmoothed
     * @param seed int64 {@code [2]}: {@code [runSeed, step]}
     * @return the mixed images and labels
     */
    public Mixed apply(Ops tf, Operand<TFloat32> images, Operand<TFloat32> labels, Operand<TInt64> seed) {
        checkRank("images", images, 4);
        checkRank("labels", labels, 2);
        Operand<TInt32> shape = tf.shape(images);
        Operand<TInt32> n = dim(tf, images, shape, 0);
        Operand<TInt32> nVec = tf.reshape(n, tf.constant(new int[] {1}));
        if (!config.mixupOn() && !config.cutmixOn()) {
            return new Mixed(images, labels, tf.ones(nVec, TFloat32.class), tf.range(tf.constant(0), n, tf.constant(1)));
        }
        // A fifth stream only when it is used, so that the other draws stay what they were.
        RandomStreams random = RandomStreams.split(tf, seed, config.cutmixMinmaxOn() ? 5 : 4);
        // One draw per batch (m = 1) or per sample (m = N). Every per-draw value keeps shape [m] and
        // broadcasts against the batch where it is used, so batch mode builds one box mask, not N.
        Operand<TInt32> m = config.mode() == MixMode.BATCH ? tf.constant(new int[] {1}) : nVec;
        List<Output<TFloat32>> u = tf.unstack(
                random.uniform(0, tf.concat(List.of(tf.constant(new int[] {4}), m), tf.constant(0))), 4L).output();
        Operand<TBool> applied = tf.math.less(u.get(0), tf.constant((float) config.probability()));
        Operand<TInt32> partner = random.permutation(3, n);
        Operand<TFloat32> one = tf.constant(1f);
        Operand<TFloat32> partnerImages = tf.gather(images, partner, tf.constant(0));

        Operand<TFloat32> lam = null; // per-draw lam, before "applied"
        Operand<TFloat32> imageWeight = null; // [m,H,W,1] or [m,1,1,1] weight of the sample's own pixels
        if (config.mixupOn()) {
            lam = random.beta(1, m, config.mixupAlpha());
            imageWeight = tf.reshape(tf.select(applied, lam, one), tf.constant(new int[] {-1, 1, 1, 1}));
        }
        if (config.cutmixOn()) {
            Operand<TBool> cut = applied;
            Operand<TBool> useCut = null;
            if (config.mixupOn()) {
                useCut = tf.math.less(u.get(1), tf.constant((float) config.switchProbability()));
                cut = tf.math.logicalAnd(applied, useCut);
            }
            Operand<TInt32> height = dim(tf, images, shape, 1);
            Operand<TInt32> width = dim(tf, images, shape, 2);
            Operand<TFloat32> h = tf.dtypes.cast(height, TFloat32.class);
            Operand<TFloat32> w = tf.dtypes.cast(width, TFloat32.class);
            Interval rows;
            Interval cols;
            if (config.cutmixMinmaxOn()) {
                List<Output<TFloat32>> r = tf.unstack(random.uniform(4,
                        tf.concat(List.of(tf.constant(new int[] {2}), m), tf.constant(0))), 2L).output();
                Operand<TFloat32> min = tf.constant((float) config.cutmixMin());
                Operand<TFloat32> span = tf.constant((float) (config.cutmixMax() - config.cutmixMin()));
                rows = minmaxEdges(tf, u.get(2), tf.math.add(min, tf.math.mul(span, r.get(0))), h, cut);
                cols = minmaxEdges(tf, u.get(3), tf.math.add(min, tf.math.mul(span, r.get(1))), w, cut);
            } else {
                Operand<TFloat32> ratio = tf.math.sqrt(tf.math.sub(one, random.beta(2, m, config.cutmixAlpha())));
                rows = edges(tf, tf.math.mul(u.get(2), h), tf.math.mul(ratio, h), h, cut);
                cols = edges(tf, tf.math.mul(u.get(3), w), tf.math.mul(ratio, w), w, cut);
            }
            Operand<TFloat32> area = tf.math.mul(rows.length(tf), cols.length(tf));
            Operand<TFloat32> cutLam = tf.math.sub(one, tf.math.div(area, tf.math.mul(h, w)));
            Operand<TBool> inBox = tf.math.logicalAnd(
                    inside(tf, rows, height, new int[] {1, -1, 1, 1}),
                    inside(tf, cols, width, new int[] {1, 1, -1, 1}));
            if (useCut == null) {
                // CutMix alone: every pixel is either the sample's or the partner's, so one Select does the
                // blend (the float mask arithmetic cost about 0.5 ms per batch of 128 28x28 images). The
                // mask is broadcast first: SelectV2's own broadcasting path is slower than a same-shape select.
                lam = tf.select(applied, cutLam, one);
                Operand<TFloat32> cutImages = tf.select(tf.broadcastTo(inBox, shape), partnerImages, images);
                return mixed(tf, cutImages, labels, lam, partner, nVec, one);
            }
            Operand<TFloat32> keep = tf.math.sub(one, tf.dtypes.cast(inBox, TFloat32.class));
            lam = tf.select(useCut, cutLam, lam);
            imageWeight = tf.math.mul(keep, tf.select(
                    tf.reshape(useCut, tf.constant(new int[] {-1, 1, 1, 1})), one, imageWeight));
        }
        lam = tf.select(applied, lam, one);

        Operand<TFloat32> mixedImages = tf.math.add(tf.math.mul(imageWeight, images),
                tf.math.mul(tf.math.sub(one, imageWeight), partnerImages));
        return mixed(tf, mixedImages, labels, lam, partner, nVec, one);
    }

    /** The outputs, with the labels mixed by the per-draw {@code lam} and {@code lam} given per sample. */
    private static Mixed mixed(Ops tf, Operand<TFloat32> images, Operand<TFloat32> labels, Operand<TFloat32> lam,
            Operand<TInt32> partner, Operand<TInt32> nVec, Operand<TFloat32> one) {
        return new Mixed(images, mixLabels(tf, labels, lam, partner, one), tf.broadcastTo(lam, nVec), partner);
    }

    /** {@code lam * y + (1 - lam) * y[partner]}, row by row; {@code lam} is {@code [N]} or {@code [1]}. */
    private static Operand<TFloat32> mixLabels(Ops tf, Operand<TFloat32> labels, Operand<TFloat32> lam,
            Operand<TInt32> partner, Operand<TFloat32> one) {
        Operand<TFloat32> lamColumn = tf.reshape(lam, tf.constant(new int[] {-1, 1}));
        return tf.math.add(tf.math.mul(lamColumn, labels),
                tf.math.mul(tf.math.sub(one, lamColumn), tf.gather(labels, partner, tf.constant(0))));
    }

    /**
     * Box edges along one axis of length {@code size}: {@code [round(c - len/2), round(c + len/2)]} clipped to
     * {@code [0, size]}; an empty interval where {@code cut} is false.
     */
    private static Interval edges(Ops tf, Operand<TFloat32> centre, Operand<TFloat32> length,
            Operand<TFloat32> size, Operand<TBool> cut) {
        Operand<TFloat32> half = tf.math.mul(length, tf.constant(0.5f));
        Operand<TFloat32> zero = tf.constant(0f);
        Operand<TFloat32> lo = tf.clipByValue(tf.math.round(tf.math.sub(centre, half)), zero, size);
        Operand<TFloat32> hi = tf.clipByValue(tf.math.round(tf.math.add(centre, half)), zero, size);
        return new Interval(lo, tf.select(cut, hi, lo));
    }

    /**
     * Box edges along one axis of length {@code size} for a side fraction {@code fraction}: the side
     * {@code len = round(fraction * size)} and the start {@code floor(u (size - len + 1))} (at most
     * {@code size - len}, which float rounding of {@code u} near 1 could otherwise pass), so the box lies
     * inside the image; an empty interval where {@code cut} is false.
     */
    private static Interval minmaxEdges(Ops tf, Operand<TFloat32> u, Operand<TFloat32> fraction, Operand<TFloat32> size,
            Operand<TBool> cut) {
        Operand<TFloat32> length = tf.math.round(tf.math.mul(fraction, size));
        Operand<TFloat32> room = tf.math.sub(size, length);
        Operand<TFloat32> lo = tf.math.minimum(tf.math.floor(tf.math.mul(u, tf.math.add(room, tf.constant(1f)))), room);
        return new Interval(lo, tf.select(cut, tf.math.add(lo, length), lo));
    }

    /** {@code [N, ...]} mask of pixel indices {@code lo <= p < hi} along one axis, reshaped by {@code layout}. */
    private static Operand<TBool> inside(Ops tf, Interval edges, Operand<TInt32> size, int[] layout) {
        Operand<TFloat32> p = tf.reshape(tf.dtypes.cast(tf.range(tf.constant(0), size, tf.constant(1)), TFloat32.class),
                tf.constant(layout));
        int[] perSample = {-1, 1, 1, 1};
        Operand<TFloat32> lo = tf.reshape(edges.lo(), tf.constant(perSample));
        Operand<TFloat32> hi = tf.reshape(edges.hi(), tf.constant(perSample));
        return tf.math.logicalAnd(tf.math.greaterEqual(p, lo), tf.math.less(p, hi));
    }

    /**
     * Dimension {@code i} of {@code x}: a constant when the static shape knows it (so that graph
     * optimisation folds whatever depends on it alone), else read from {@code shape}, the runtime shape.
     */
    static Operand<TInt32> dim(Ops tf, Operand<?> x, Operand<TInt32> shape, int i) {
        Shape s = x.shape();
        if (!s.isUnknown() && s.numDimensions() > i && s.get(i) >= 0) {
            return tf.constant(Math.toIntExact(s.get(i)));
        }
        return tf.gather(shape, tf.constant(i), tf.constant(0));
    }

    static void checkRank(String name, Operand<?> operand, int rank) {
        if (!operand.shape().isUnknown() && operand.shape().numDimensions() != rank) {
            throw new SmoothcalException(name + " must have rank " + rank + ", found shape " + operand.shape());
        }
    }

    /** Per-sample pixel interval {@code [lo, hi)} along one axis, whole numbers held as floats. */
    private record Interval(Operand<TFloat32> lo, Operand<TFloat32> hi) {
        Operand<TFloat32> length(Ops tf) {
            return tf.math.sub(hi, lo);
        }
    }
}
