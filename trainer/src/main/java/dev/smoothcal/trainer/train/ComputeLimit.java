package dev.smoothcal.trainer.train;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.trainer.model.ResolvedModel;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The machine's arithmetic limit for training, measured the way training runs: the fp32 rate of one large
 * TensorFlow {@code MatMul} in a session with the training session's options (so the same intra- and
 * inter-op thread pools), and the arithmetic of a training step, so that a step rate can be read as a
 * share of what the machine could do.
 */
public final class ComputeLimit {
    private ComputeLimit() {
    }

    /**
     * The measured fp32 GEMM rate.
     *
     * @param size n of the {@code [n, n] x [n, n]} product
     * @param gflopsPerSecond median over rounds of {@code 2 n^3 / t}, in 10^9 floating-point operations
     *     per second
     * @param roundsGflopsPerSecond every round, for the spread
     */
    public record GemmRate(int size, double gflopsPerSecond, double[] roundsGflopsPerSecond) {
        /**
         * Copies the rounds.
         *
         * @param size n of the product
         * @param gflopsPerSecond the median rate
         * @param roundsGflopsPerSecond every round's rate
         */
        public GemmRate {
            roundsGflopsPerSecond = roundsGflopsPerSecond.clone();
        }

        /**
         * Every round's rate.
         *
         * @return a copy of the rounds
         */
        @Override
        public double[] roundsGflopsPerSecond() {
            return roundsGflopsPerSecond.clone();
        }
    }

    /**
     * Times {@code rounds} products of two {@code [n, n]} fp32 matrices of uniform values, after
     * {@code warmup} untimed ones. Only a scalar (the sum of the product) is fetched, so the figure is
     * the product's own cost: {@code 2 n^3} operations each (the sum adds {@code n^2}, under 0.1% for
     * n = 1024 and above).
     *
     * @param size n, in {@code [64, 16384]}
     * @param warmup untimed products first, at least 0
     * @param rounds timed products, at least 1; the median is reported
     * @return the rate
     * @throws SmoothcalException for counts out of range or a TensorFlow failure
     */
    public static GemmRate measureGemm(int size, int warmup, int rounds) {
        if (size < 64 || size > 16384) {
            throw SmoothcalException.invalid("gemmSize", "must be in [64, 16384], found " + size);
        }
        if (warmup < 0) {
            throw SmoothcalException.invalid("warmup", "must be at least 0 (untimed products), found " + warmup);
        }
        if (rounds < 1) {
            throw SmoothcalException.invalid("rounds", "must be at least 1, found " + rounds);
        }
        SplittableRandom random = new SplittableRandom(1);
        float[] values = new float[size * size];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> a = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(size, size)));
            Placeholder<TFloat32> b = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(size, size)));
            Operand<TFloat32> sum = tf.reduceSum(tf.linalg.matMul(a, b), tf.constant(new int[] {0, 1}));
            try (Session session = new Session(graph, Trainer.sessionConfig());
                    TFloat32 at = Tensors.floats(values, size, size);
                    TFloat32 bt = Tensors.floats(values, size, size)) {
                double flops = 2.0 * size * size * (double) size;
                double[] rates = new double[rounds];
                for (int i = -warmup; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    try (Result r = session.runner().feed(a, at).feed(b, bt).fetch(sum).run()) {
                        if (!Float.isFinite(((TFloat32) r.get(0)).getFloat())) {
                            throw SmoothcalException.defect("the GEMM benchmark's sum is not finite");
                        }
                    }
                    if (i >= 0) {
                        rates[i] = flops / ((System.nanoTime() - t0) / 1e9) / 1e9;
                    }
                }
                return new GemmRate(size, TrainingBenchmark.median(rates), rates);
            }
        } catch (TensorFlowException e) {
            throw SmoothcalException.backend("TensorFlow failed in the GEMM benchmark: " + e.getMessage(), e);
        }
    }

    /**
     * Floating-point operations of one training step: {@code 3 x 2 x batch x} the multiply-adds of the
     * model's kernels (dense and convolution layers; a kernel of S values whose output has P positions
     * per example, P being the output size over the kernel's last dimension, does {@code S x P}). The
     * factor 3 is the forward product plus the two of the backward pass (input and kernel gradients),
     * the usual count; element-wise work (activations, batch norm, the loss, the update) is left out, so
     * the limit {@code GEMM rate / this} is an upper bound on steps per second.
     *
     * @param model the resolved model
     * @param batch images per step, at least 1
     * @return operations per step
     * @throws SmoothcalException for a batch below 1
     */
    public static double trainingFlopsPerStep(ResolvedModel model, int batch) {
        if (batch < 1) {
            throw new SmoothcalException("batchSize must be at least 1, found " + batch);
        }
        return 3.0 * 2.0 * batch * multiplyAdds(model.steps());
    }

    private static double multiplyAdds(List<ResolvedModel.Step> steps) {
        double sum = 0;
        for (ResolvedModel.Step s : steps) {
            long[] out = s.outputShape();
            long outputSize = Arrays.stream(out).reduce(1, (x, y) -> x * y);
            for (ResolvedModel.Param p : s.params()) {
                if (p.role() == ResolvedModel.Role.KERNEL) {
                    long[] shape = p.shape();
                    long kernelSize = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
                    sum += (double) kernelSize * (outputSize / shape[shape.length - 1]);
                }
            }
            for (List<ResolvedModel.Step> branch : s.branches()) {
                sum += multiplyAdds(branch);
            }
        }
        return sum;
    }
}
