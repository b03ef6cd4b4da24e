package dev.smoothcal.trainer.train;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.trainer.graph.NetworkGraph;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.loss.SmoothedCrossEntropy;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * Trains a {@link ResolvedModel} in a TensorFlow graph with the label-smoothed cross-entropy and Adam.
 *
 * <p>Each epoch visits the training data in a fresh order drawn from {@code (seed, epoch)}; a final
 * partial batch is kept. After each epoch the model is run on the validation data in inference mode
 * and {@link EpochRecord} is filled on the host in double precision.
 */
public final class Trainer {
    private static final int ECE_BINS = 15;
    private static final int EVAL_BATCH = 512;

    private Trainer() {
    }

    /**
     * Runs the configured number of epochs.
     *
     * @throws SmoothcalException when TensorFlow fails, with its message
     */
    public static TrainedModel train(TrainConfig config, ResolvedModel model, Dataset train, Dataset validation,
            TrainingListener listener) {
        if (train.numClasses() != model.numClasses() || validation.numClasses() != model.numClasses()) {
            throw new SmoothcalException("model " + model.name() + " has " + model.numClasses()
                    + " classes, found data with " + train.numClasses());
        }
        Normalization norm = Normalization.fit(train);
        int k = model.numClasses();
        long[] imageDims = {model.input().height(), model.input().width(), model.input().channels()};
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> images = tf.withName("images").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, imageDims[0], imageDims[1], imageDims[2])));
            Placeholder<TFloat32> labels = tf.withName("labels").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, k)));
            Placeholder<TInt64> stepSeed = tf.withName("step_seed").placeholder(TInt64.class,
                    Placeholder.shape(Shape.of(2)));
            Map<String, Variable<TFloat32>> vars = NetworkGraph.createVariables(tf, model, Weights.initial(model, config.seed()));
            NetworkGraph.Pass trainPass = NetworkGraph.forward(tf, images, model, norm, vars,
                    NetworkGraph.Mode.TRAINING, stepSeed);
            Operand<TFloat32> trainLogits = trainPass.logits();
            Operand<TFloat32> evalLogits = NetworkGraph.forward(tf, images, model, norm, vars,
                    NetworkGraph.Mode.INFERENCE, null).logits();
            Operand<TFloat32> loss = new SmoothedCrossEntropy(config.labelSmoothing()).call(tf, labels, trainLogits);
            Op minimize = trainStep(tf, graph, config, model, vars, loss, trainPass.stateUpdates());

            try (Session session = new Session(graph, sessionConfig())) {
                session.initialize();
                List<EpochRecord> history = new ArrayList<>();
                for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                    history.add(runEpoch(config, model, train, validation, listener, epoch, session, images, labels,
                            stepSeed, trainLogits, evalLogits, loss, minimize));
                }
                Map<String, float[]> trained = new LinkedHashMap<>();
                for (var e : vars.entrySet()) {
                    try (Result r = session.runner().fetch(e.getValue()).run()) {
                        trained.put(e.getKey(), Tensors.toArray(r.get(0)));
                    }
                }
                return new TrainedModel(model, norm, Weights.of(model, trained), history);
            }
        } catch (TensorFlowException e) {
            throw new SmoothcalException("TensorFlow failed while training " + model.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adam on the trainable parameters only (TF cannot differentiate the loss by the batch-norm moving
     * statistics, which it does not read in training mode), grouped with the pass's state updates.
     */
    @SuppressWarnings("unchecked")
    private static Op trainStep(Ops tf, Graph graph, TrainConfig config, ResolvedModel model,
            Map<String, Variable<TFloat32>> vars, Operand<TFloat32> loss, List<Op> stateUpdates) {
        List<Variable<TFloat32>> trainable = model.trainableParams().stream().map(p -> vars.get(p.name())).toList();
        Output<?>[] grads = graph.addGradients(loss.asOutput(),
                trainable.stream().map(Variable::asOutput).toArray(Output<?>[]::new));
        List<Optimizer.GradAndVar<? extends TType>> pairs = new ArrayList<>();
        for (int i = 0; i < grads.length; i++) {
            pairs.add(new Optimizer.GradAndVar<>((Output<TFloat32>) grads[i], trainable.get(i).asOutput()));
        }
        Op adam = new Adam(graph, (float) config.learningRate()).applyGradients(pairs, "Adam");
        if (stateUpdates.isEmpty()) {
            return adam;
        }
        List<Op> all = new ArrayList<>(stateUpdates);
        all.add(adam);
        return tf.withControlDependencies(all).noOp();
    }

    private static EpochRecord runEpoch(TrainConfig config, ResolvedModel model, Dataset train, Dataset validation,
            TrainingListener listener, int epoch, Session session, Placeholder<TFloat32> images,
            Placeholder<TFloat32> labels, Placeholder<TInt64> stepSeed, Operand<TFloat32> trainLogits,
            Operand<TFloat32> evalLogits, Operand<TFloat32> loss, Op minimize) {
        int n = train.size();
        int k = model.numClasses();
        int per = train.shape().size();
        int batch = Math.min(config.batchSize(), n);
        int steps = (n + batch - 1) / batch;
        int[] order = permutation(n, new SplittableRandom(config.seed() * 1_000_003L + epoch));
        listener.epochStarted(epoch, config.epochs(), steps);
        double lossSum = 0.0;
        long correct = 0;
        long started = System.nanoTime();
        for (int step = 0; step < steps; step++) {
            int from = step * batch;
            int size = Math.min(batch, n - from);
            float[] x = new float[size * per];
            float[] y = new float[size * k];
            for (int i = 0; i < size; i++) {
                int src = order[from + i];
                System.arraycopy(train.images(), src * per, x, i * per, per);
                y[i * k + train.labels()[src]] = 1f;
            }
            long globalStep = (long) (epoch - 1) * steps + step;
            try (TFloat32 xt = Tensors.floats(x, size, train.shape().height(), train.shape().width(),
                    train.shape().channels());
                    TFloat32 yt = Tensors.floats(y, size, k);
                    TInt64 seed = TInt64.vectorOf(config.seed(), globalStep);
                    Result r = session.runner().feed(images, xt).feed(labels, yt).feed(stepSeed, seed)
                            .addTarget(minimize).fetch(loss).fetch(trainLogits).run()) {
                lossSum += ((TFloat32) r.get(0)).getFloat() * size;
                float[] logits = Tensors.toArray(r.get(1));
                for (int i = 0; i < size; i++) {
                    if (argmax(logits, i * k, k) == train.labels()[order[from + i]]) {
                        correct++;
                    }
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            listener.stepFinished(step + 1, lossSum / (from + size), (from + size) / Math.max(seconds, 1e-9));
        }
        float[] valLogits = predict(session, images, evalLogits, validation, k);
        ValidationScores v = ValidationScores.of(valLogits, validation.labels(), k, config.labelSmoothing());
        EpochRecord record = new EpochRecord(epoch, lossSum / n, (double) correct / n, v.loss, v.accuracy, v.nll, v.ece,
                config.learningRate());
        listener.epochFinished(record);
        return record;
    }

    /** Logits of every image of {@code data}, row-major {@code [N, K]}, in batches. */
    static float[] predict(Session session, Placeholder<TFloat32> images, Operand<TFloat32> logits, Dataset data, int k) {
        int per = data.shape().size();
        float[] out = new float[data.size() * k];
        for (int from = 0; from < data.size(); from += EVAL_BATCH) {
            int size = Math.min(EVAL_BATCH, data.size() - from);
            float[] x = new float[size * per];
            System.arraycopy(data.images(), from * per, x, 0, size * per);
            try (TFloat32 xt = Tensors.floats(x, size, data.shape().height(), data.shape().width(),
                    data.shape().channels());
                    Result r = session.runner().feed(images, xt).fetch(logits).run()) {
                System.arraycopy(Tensors.toArray(r.get(0)), 0, out, from * k, size * k);
            }
        }
        return out;
    }

    /** Session options: soft placement, so ops without a kernel on the chosen device fall back. */
    static ConfigProto sessionConfig() {
        return ConfigProto.newBuilder().setAllowSoftPlacement(true).build();
    }

    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static int argmax(float[] v, int offset, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (v[offset + j] > v[offset + best]) {
                best = j;
            }
        }
        return best;
    }

    /** Validation numbers computed on the host in double precision. */
    record ValidationScores(double loss, double accuracy, double nll, double ece) {
        static ValidationScores of(float[] logits, int[] labels, int k, LabelSmoothing smoothing) {
            int n = labels.length;
            double loss = 0;
            double nll = 0;
            long correct = 0;
            double[] binConf = new double[ECE_BINS];
            double[] binAcc = new double[ECE_BINS];
            long[] binCount = new long[ECE_BINS];
            for (int i = 0; i < n; i++) {
                double[] z = new double[k];
                for (int j = 0; j < k; j++) {
                    z[j] = logits[i * k + j];
                }
                double[] logp = LabelSmoothing.logSoftmax(z);
                double[] t = smoothing.smooth(labels[i], k);
                for (int j = 0; j < k; j++) {
                    loss -= t[j] * logp[j];
                }
                nll -= logp[labels[i]];
                int pred = argmax(logits, i * k, k);
                boolean ok = pred == labels[i];
                correct += ok ? 1 : 0;
                double conf = Math.exp(logp[pred]);
                int bin = Math.min(ECE_BINS - 1, Math.max(0, (int) Math.ceil(conf * ECE_BINS) - 1));
                binConf[bin] += conf;
                binAcc[bin] += ok ? 1 : 0;
                binCount[bin]++;
            }
            double ece = 0;
            for (int b = 0; b < ECE_BINS; b++) {
                if (binCount[b] > 0) {
                    ece += Math.abs(binAcc[b] - binConf[b]) / n;
                }
            }
            return new ValidationScores(loss / n, (double) correct / n, nll / n, ece);
        }
    }
}
