package dev.smoothcal.trainer.augment;

import java.util.function.BiFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Not a test: prints how many graph ops each augmentation adds and the time of session runs of the
 * augmentation alone (batch 128, 28x28x1, fed images and labels, fetching the images), and of the ways of
 * making the partner images alone, for the benchmark notes; subtract the first line (feed and fetch).
 * Run by hand: {@code java -cp ... dev.smoothcal.trainer.augment.AugmentationCost [runs]}.
 */
public final class AugmentationCost {
    private AugmentationCost() {
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int n = 128;
        float[] images = MixAugmentationTest.randomImages(n, 28, 28, 1, 1);
        float[] labels = MixAugmentationTest.oneHot(new java.util.SplittableRandom(2).ints(n, 0, 10).toArray(), 10);
        measure("none (tf.identity: feed and fetch only)", runs, images, labels, (tf, in) -> tf.identity(in.images()));
        for (MixConfig config : new MixConfig[] {MixConfig.mixup(0.2), MixConfig.cutmix(1.0),
                new MixConfig(0.2, 1.0, 1, 0.5, MixMode.BATCH), new MixConfig(0.2, 1.0, 1, 0.5, MixMode.ELEM)}) {
            measure("mix " + config, runs, images, labels,
                    (tf, in) -> new MixAugmentation(config).apply(tf, in.images(), in.labels(), in.seed()).images());
        }
        // The partner images alone, made in the ways a mixing could make them (a permutation of the batch):
        // what the gather costs, and what timm's batch flip, a roll or a one-hot product would cost instead.
        int[] permutation = new java.util.SplittableRandom(3).ints(0, n).distinct().limit(n).toArray();
        measure("partners: gather of a permutation", runs, images, labels,
                (tf, in) -> tf.gather(in.images(), tf.constant(permutation), tf.constant(0)));
        measure("partners: reverse (timm's batch flip)", runs, images, labels,
                (tf, in) -> tf.reverse(in.images(), tf.constant(new int[] {0})));
        measure("partners: roll by one", runs, images, labels,
                (tf, in) -> tf.roll(in.images(), tf.constant(1), tf.constant(0)));
        measure("partners: one-hot permutation MatMul", runs, images, labels, (tf, in) -> tf.reshape(
                tf.linalg.matMul(tf.oneHot(tf.constant(permutation), tf.constant(n), tf.constant(1f), tf.constant(0f)),
                        tf.reshape(in.images(), tf.constant(new int[] {n, -1}))), tf.shape(in.images())));
        measure("partners: gather, then the mix 0.3 x + 0.7 x[p]", runs, images, labels, (tf, in) -> tf.math.add(
                tf.math.mul(tf.constant(0.3f), in.images()), tf.math.mul(tf.constant(0.7f),
                        tf.gather(in.images(), tf.constant(permutation), tf.constant(0)))));
        for (ShiftFlipConfig config : new ShiftFlipConfig[] {new ShiftFlipConfig(0.1, 0.1, FlipMode.HORIZONTAL, FillMode.ZERO),
                new ShiftFlipConfig(0.1, 0.1, FlipMode.HORIZONTAL, FillMode.NEAREST)}) {
            measure("shift/flip " + config, runs, images, labels,
                    (tf, in) -> new ShiftFlip(config).apply(tf, in.images(), in.seed()).images());
        }
    }

    /** The fed placeholders an augmentation is built on. */
    private record Inputs(Operand<TFloat32> images, Operand<TFloat32> labels, Operand<TInt64> seed) {
    }

    private static void measure(String name, int runs, float[] images, float[] labels,
            BiFunction<Ops, Inputs, Operand<TFloat32>> build) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
            Placeholder<TFloat32> y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 10)));
            Placeholder<TInt64> seed = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
            int before = count(g);
            Operand<TFloat32> out = build.apply(tf, new Inputs(x, y, seed));
            int added = count(g) - before;
            try (Session s = new Session(g);
                    TFloat32 xt = dev.smoothcal.trainer.train.Tensors.floats(images, 128, 28, 28, 1);
                    TFloat32 yt = dev.smoothcal.trainer.train.Tensors.floats(labels, 128, 10)) {
                for (int step = 0; step < 20; step++) { // warm-up
                    runOnce(s, x, y, seed, xt, yt, out, step);
                }
                long t0 = System.nanoTime();
                for (int step = 0; step < runs; step++) {
                    runOnce(s, x, y, seed, xt, yt, out, step);
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf("%-95s ops %3d  %d runs %8.1f ms  (%.3f ms/run)%n", name, added, runs, ms, ms / runs);
            }
        }
    }

    private static void runOnce(Session s, Placeholder<TFloat32> x, Placeholder<TFloat32> y, Placeholder<TInt64> seed,
            TFloat32 xt, TFloat32 yt, Operand<TFloat32> out, long step) {
        try (TInt64 st = TInt64.vectorOf(7, step);
                Result r = s.runner().feed(x, xt).feed(y, yt).feed(seed, st).fetch(out).run()) {
            r.get(0);
        }
    }

    private static int count(Graph g) {
        int c = 0;
        for (java.util.Iterator<?> it = g.operations(); it.hasNext(); it.next()) {
            c++;
        }
        return c;
    }
}
