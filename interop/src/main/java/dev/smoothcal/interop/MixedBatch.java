package dev.smoothcal.interop;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.DataBatch;
import dev.smoothcal.trainer.augment.MixAugmentation;
import dev.smoothcal.trainer.augment.MixConfig;
import dev.smoothcal.trainer.augment.MixMode;
import dev.smoothcal.trainer.augment.Mixed;
import dev.smoothcal.trainer.train.Tensors;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;

/**
 * Images and soft labels made by the trainer's own in-graph augmentation (Mixup and CutMix, one draw
 * per sample, partners drawn within the batch as in training), so the loss parity covers the labels
 * training really sees.
 *
 * @param images mixed raw pixels, NHWC
 * @param labels mixed unsmoothed label distributions {@code [N, K]}
 */
record MixedBatch(float[] images, float[] labels) {
    /** Mixup alpha 0.2 and CutMix alpha 1.0, half each, per sample. */
    static final MixConfig MIX = new MixConfig(0.2, 1.0, 1.0, 0.5, MixMode.ELEM);

    /**
     * Mixes the images of one batch read from a source.
     *
     * @param batch the images and labels
     * @param k the number of classes
     * @param seed the run's seed
     * @param index which batch of the source, so that each batch gets its own draw
     */
    static MixedBatch of(DataBatch batch, int k, long seed, long index) {
        int n = batch.count();
        float[] oneHot = new float[n * k];
        for (int i = 0; i < n; i++) {
            oneHot[i * k + batch.labels()[i]] = 1f;
        }
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            var shape = batch.shape();
            Mixed mixed = new MixAugmentation(MIX).apply(tf,
                    tf.constant(org.tensorflow.ndarray.Shape.of(n, shape.height(), shape.width(), shape.channels()),
                            org.tensorflow.ndarray.buffer.DataBuffers.of(batch.pixels(), true, false)),
                    tf.constant(org.tensorflow.ndarray.Shape.of(n, k),
                            org.tensorflow.ndarray.buffer.DataBuffers.of(oneHot, true, false)),
                    tf.constant(new long[] {seed, index}));
            try (Session s = new Session(g);
                    Result r = s.runner().fetch(mixed.images()).fetch(mixed.labels()).run()) {
                return new MixedBatch(Tensors.toArray(r.get(0)), Tensors.toArray(r.get(1)));
            }
        } catch (TensorFlowException e) {
            throw SmoothcalException.backend("TensorFlow could not mix the parity batch: " + e.getMessage(), e);
        }
    }
}
