package dev.smoothcal.trainer.train;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.Splits;
import dev.smoothcal.core.metrics.MetricsAccumulator;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.core.metrics.MetricsResult;
import dev.smoothcal.core.metrics.Softmax;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.graph.NormalizationMode;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Trains a {@link ResolvedModel} in a TensorFlow graph with the label-smoothed cross-entropy.
 *
 * <p>Each epoch visits the training data in a fresh order drawn from {@code (seed, epoch)}; a final
 * partial batch is kept. The learning rate comes from the schedule and is fed per step. After each
 * epoch the model runs on the validation data in inference mode, {@link EpochRecord} is filled on the
 * host in double precision, and (with a checkpoint folder) the whole session is checkpointed. The
 * returned weights are those of the best epoch by the configured {@link Monitor}; with a patience,
 * training stops after that many epochs without improvement.
 */
public final class Trainer {
    private static final int ECE_BINS = 15;
    private static final int EVAL_BATCH = 512;

    private Trainer() {
    }

    /**
     * Trains without checkpoints.
     *
     * @param config how to train
     * @param model the resolved architecture
     * @param train the images trained on
     * @param validation the held-out images that choose the best epoch
     * @param listener hears phases and epochs
     * @return the best epoch's weights and the history
     */
    public static TrainedModel train(TrainingConfig config, ResolvedModel model, Dataset train, Dataset validation,
            TrainingListener listener) {
        return train(config, model, train, validation, listener, null);
    }

    /**
     * Runs the configured epochs, continuing from {@code checkpoints} when it holds a checkpoint.
     *
     * @param config how to train
     * @param model the resolved architecture
     * @param train the images trained on
     * @param validation the held-out images that choose the best epoch
     * @param listener hears phases and epochs
     * @param checkpoints where to checkpoint every epoch, or null for none
     * @return the best epoch's weights and the history
     * @throws SmoothcalException a backend failure when TensorFlow fails; bad input naming
     *     {@code checkpoints} when the checkpoint belongs to another architecture or dataset
     */
    public static TrainedModel train(TrainingConfig config, ResolvedModel model, Dataset train, Dataset validation,
            TrainingListener listener, CheckpointStore checkpoints) {
        if (train.numClasses() != model.numClasses() || validation.numClasses() != model.numClasses()) {
            throw new SmoothcalException("model " + model.name() + " has " + model.numClasses()
                    + " classes, found data with " + train.numClasses());
        }
        return train(config, model, new Held(TrainingImages.of(train), train.labels(), train.fingerprint(),
                Normalization.fit(train, config.normalization())), new Held(TrainingImages.of(validation),
                        validation.labels(), null, null), listener, checkpoints);
    }

    /**
     * Trains on samples {@code split.train()} of {@code data} and validates on {@code split.validation()}:
     * the same numbers as {@link #train(TrainingConfig, ResolvedModel, Dataset, Dataset, TrainingListener,
     * CheckpointStore)} on {@code data.select} of those indices, but both parts are held as bytes when their
     * pixels are whole values in [0, 255] ({@link #memoryNeeded}), not as float copies.
     *
     * @param config how to train
     * @param model the resolved architecture
     * @param data the images both parts are taken from
     * @param split the sample indices of the two parts
     * @param listener hears phases and epochs
     * @param checkpoints where to checkpoint every epoch, or null for none
     * @return the best epoch's weights and the history
     * @throws SmoothcalException as the other {@code train}
     */
    public static TrainedModel train(TrainingConfig config, ResolvedModel model, Dataset data,
            Splits.TrainValidationIndices split, TrainingListener listener, CheckpointStore checkpoints) {
        if (data.numClasses() != model.numClasses()) {
            throw new SmoothcalException("model " + model.name() + " has " + model.numClasses()
                    + " classes, found data with " + data.numClasses());
        }
        return train(config, model, Held.of(data, split.train(), config.normalization()),
                new Held(TrainingImages.of(data, split.validation()), select(data.labels(), split.validation()), null,
                        null), listener, checkpoints);
    }

    /**
     * The bytes the two parts of a split of {@code data} take while training on them with
     * {@link #train(TrainingConfig, ResolvedModel, Dataset, Splits.TrainValidationIndices, TrainingListener,
     * CheckpointStore)}: one a pixel when every pixel is a whole value in [0, 255], else four.
     *
     * @param data the images both parts are taken from
     * @return bytes held, and whether as uint8 or float32, in words: {@code 47.0 MB as uint8}
     */
    public static String memoryNeeded(Dataset data) {
        TrainingImages.Storage storage = TrainingImages.fitsUint8(data.images(), 0, data.images().length)
                ? TrainingImages.Storage.UINT8 : TrainingImages.Storage.FLOAT32;
        return TrainingImages.describe(TrainingImages.bytesFor(data.size(), data.shape(), storage), storage);
    }

    private static int[] select(int[] values, int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return out;
    }

    /**
     * One part as the trainer holds it: pixels, labels and, for the training part, its fingerprint and
     * normalisation (computed from the floats before they are let go).
     */
    private record Held(TrainingImages images, int[] labels, String fingerprint, Normalization norm) {
        /** Samples {@code indices} of {@code data}; their float copy lives only inside this method. */
        static Held of(Dataset data, int[] indices, NormalizationMode mode) {
            Dataset part = data.select(data.name() + "[train]", indices);
            return new Held(TrainingImages.of(data, indices), part.labels(), part.fingerprint(),
                    Normalization.fit(part, mode));
        }

        int size() {
            return labels.length;
        }
    }

    private static TrainedModel train(TrainingConfig config, ResolvedModel model, Held train, Held validation,
            TrainingListener listener, CheckpointStore checkpoints) {
        String architecture = describe(model);
        String dataFingerprint = train.fingerprint();
        TrainingState resumed = checkpoints == null ? null : checkpoints.state().orElse(null);
        if (resumed != null) {
            if (!resumed.architecture().equals(architecture)) {
                throw SmoothcalException.invalid("checkpoints", ": the checkpoint in " + checkpoints.dir()
                        + " was written for another architecture; expected " + architecture + ", found "
                        + resumed.architecture());
            }
            if (!resumed.datasetFingerprint().equals(dataFingerprint)) {
                throw SmoothcalException.invalid("checkpoints", ": the checkpoint in " + checkpoints.dir()
                        + " was trained on other data; expected dataset " + dataFingerprint + ", found "
                        + resumed.datasetFingerprint());
            }
        }
        // Fitted on the training split only (the validation images choose the epoch and must not leak in).
        Normalization norm = train.norm();
        if (resumed != null && resumed.normalization() != null && !resumed.normalization().equals(norm)) {
            // The same data and settings give the same statistics bit for bit, so any difference means the
            // checkpoint's graph was trained on other inputs than this run would feed it.
            Normalization stored = resumed.normalization();
            throw SmoothcalException.invalid("checkpoints", ": the checkpoint in " + checkpoints.dir()
                    + (stored.mode() != norm.mode()
                            ? " was trained with normalization " + stored.mode().id() + ", found " + norm.mode().id()
                                    + "; resume with the stored normalization or start a new run"
                            : " was trained with other " + norm.mode().id() + " statistics than this training split "
                                    + "gives; resume on the same data or start a new run"));
        }
        try (Graph graph = new Graph()) {
            TrainingGraph g = TrainingGraph.build(graph, config, model, norm, Weights.initial(model, config.seed()));
            Map<String, Variable<TFloat32>> vars = g.variables();
            try (Session session = new Session(graph, sessionConfig())) {
                session.initialize();
                Loop loop = new Loop(config, model, train, validation, listener, session, g,
                        new TrainingSteps(session, g, config.seed()));
                List<EpochRecord> history = new ArrayList<>();
                int bestEpoch = 0;
                double bestValue = Double.NaN;
                int stale = 0;
                long step = 0;
                if (resumed != null) {
                    checkpoints.restoreLatest(session);
                    history.addAll(resumed.history());
                    bestEpoch = resumed.bestEpoch();
                    bestValue = resumed.bestValue();
                    stale = resumed.epochsWithoutImprovement();
                    step = resumed.globalStep();
                    listener.phase("resuming after epoch " + resumed.epochsDone() + " from " + checkpoints.dir());
                }
                for (int epoch = history.size() + 1; epoch <= config.epochs(); epoch++) {
                    if (config.patience() > 0 && stale >= config.patience()) {
                        listener.phase("early stop: " + config.monitor().column() + " did not improve for "
                                + stale + " epochs (best epoch " + bestEpoch + ")");
                        break;
                    }
                    EpochRecord record = loop.epoch(epoch, step);
                    step += loop.stepsPerEpoch();
                    history.add(record);
                    double value = config.monitor().of(record);
                    boolean improved = bestEpoch == 0 || config.monitor().improves(value, bestValue);
                    if (improved) {
                        bestEpoch = epoch;
                        bestValue = value;
                        stale = 0;
                    } else {
                        stale++;
                    }
                    if (checkpoints != null) {
                        checkpoints.save(session, new TrainingState(TrainingState.FORMAT, epoch, step, history,
                                bestEpoch, bestValue, stale,
                                architecture, dataFingerprint, norm), improved);
                    } else if (improved) {
                        loop.rememberBest(vars);
                    }
                }
                if (checkpoints != null) {
                    checkpoints.restoreBest(session);
                    loop.rememberBest(vars);
                }
                return new TrainedModel(model, norm, Weights.of(model, loop.best), history, bestEpoch);
            }
        } catch (TensorFlowException e) {
            String hint = config.device().kind() == Device.Kind.GPU
                    ? " (device " + config.device() + ": is a GPU usable? the CPU build has no GPU kernels; build with -Pgpu)"
                    : "";
            throw SmoothcalException.backend("TensorFlow failed while training " + model.name() + hint + ": "
                    + firstLine(e.getMessage()), e);
        }
    }

    /** A stable description of the architecture: layers, parameter names and shapes. */
    static String describe(ResolvedModel model) {
        StringBuilder sb = new StringBuilder(model.name()).append('[');
        for (ResolvedModel.Param p : model.params()) {
            sb.append(p.name()).append(java.util.Arrays.toString(p.shape())).append(';');
        }
        return sb.append(']').toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The per-epoch work, with the graph handles it needs. */
    private static final class Loop {
        private final TrainingConfig config;
        private final ResolvedModel model;
        private final Held train;
        private final Held validation;
        private final TrainingListener listener;
        private final Session session;
        private final TrainingGraph g;
        private final TrainingSteps stepper;
        private final TrainingImages trainImages;
        private final TrainingImages validationImages;
        private final int batch;
        private final int steps;
        private Map<String, float[]> best;

        Loop(TrainingConfig config, ResolvedModel model, Held train, Held validation, TrainingListener listener,
                Session session, TrainingGraph g, TrainingSteps stepper) {
            this.config = config;
            this.model = model;
            this.train = train;
            this.validation = validation;
            this.listener = listener;
            this.session = session;
            this.g = g;
            this.stepper = stepper;
            this.trainImages = train.images();
            this.validationImages = validation.images();
            this.batch = Math.min(config.batchSize(), train.size());
            this.steps = (train.size() + batch - 1) / batch;
        }

        int stepsPerEpoch() {
            return steps;
        }

        void rememberBest(Map<String, Variable<TFloat32>> vars) {
            Map<String, float[]> values = new LinkedHashMap<>();
            for (var e : vars.entrySet()) {
                try (Result r = session.runner().fetch(e.getValue()).run()) {
                    values.put(e.getKey(), Tensors.toArray(r.get(0)));
                }
            }
            best = values;
        }

        /**
         * Batch {@code step} of an epoch visiting the training images in {@code order}: raw images and one-hot
         * labels, written straight into the tensors fed (no batch array on the Java heap).
         */
        TrainingSteps.Batch batch(int[] order, int step) {
            int from = step * batch;
            int size = Math.min(batch, trainImages.size() - from);
            TFloat32 x = trainImages.batch(order, from, size);
            try {
                return new TrainingSteps.Batch(x, TrainingImages.oneHot(train.labels(), order, from, size,
                        model.numClasses()), size);
            } catch (RuntimeException e) {
                x.close();
                throw e;
            }
        }

        EpochRecord epoch(int epoch, long firstStep) {
            int n = train.size();
            int k = model.numClasses();
            int[] order = permutation(n, new SplittableRandom(config.seed() * 1_000_003L + epoch));
            listener.epochStarted(epoch, config.epochs(), steps);
            double lossSum = 0.0;
            long correct = 0;
            double rate = 0;
            long started = System.nanoTime();
            TrainingSteps.Batch current = batch(order, 0);
            TrainingSteps.Batch next = null;
            try {
                stepper.start(current, firstStep);
                for (int step = 0; step < steps; step++) {
                    int from = step * batch;
                    int size = Math.min(batch, n - from);
                    long globalStep = firstStep + step;
                    rate = config.schedule().rate(config.optimizer().learningRate(), epoch - 1, globalStep,
                            config.epochs(), steps);
                    next = step + 1 < steps ? batch(order, step + 1) : null;
                    try (Result r = stepper.step(next, rate, g.loss(), g.trainLogits())) {
                        float loss = ((TFloat32) r.get(0)).getFloat();
                        requireFinite(loss, epoch, step + 1);
                        lossSum += loss * size;
                        float[] logits = Tensors.toArray(r.get(1));
                        for (int i = 0; i < size; i++) {
                            if (argmax(logits, i * k, k) == train.labels()[order[from + i]]) {
                                correct++;
                            }
                        }
                    }
                    // trained (and, with augmentation, the next one staged): the fed tensors are free
                    current.close();
                    current = next;
                    next = null;
                    double seconds = (System.nanoTime() - started) / 1e9;
                    listener.stepFinished(step + 1, lossSum / (from + size), (from + size) / Math.max(seconds, 1e-9));
                }
            } finally {
                if (current != null) {
                    current.close();
                }
                if (next != null) {
                    next.close();
                }
            }
            float[] valLogits = predict(session, g.images(), g.evalLogits(), validationImages, k);
            ValidationScores v = ValidationScores.of(valLogits, validation.labels(), k, config.labelSmoothing());
            EpochRecord record = new EpochRecord(epoch, lossSum / n, (double) correct / n, v.loss, v.accuracy, v.nll,
                    v.ece, rate);
            listener.epochFinished(record);
            return record;
        }
    }

    /**
     * Stops training at the first non-finite batch loss, as Keras' {@code TerminateOnNaN} does: weights that
     * produced it are worthless, and every later step would only spread the NaN.
     *
     * @throws SmoothcalException bad input, naming the epoch and step, when {@code loss} is NaN or infinite
     */
    static void requireFinite(float loss, int epoch, int step) {
        if (!Float.isFinite(loss)) {
            throw new SmoothcalException("training stopped at epoch " + epoch + ", step " + step + ": the loss is "
                    + loss + " (as Keras' TerminateOnNaN); check the data for non-finite or huge pixel values, or "
                    + "train with a lower learning rate; nothing was exported");
        }
    }

    /** Logits of every image held, row-major {@code [N, K]}, in batches written straight into the fed tensor. */
    static float[] predict(Session session, Placeholder<TFloat32> images, Operand<TFloat32> logits,
            TrainingImages data, int k) {
        float[] out = new float[data.size() * k];
        for (int from = 0; from < data.size(); from += EVAL_BATCH) {
            int size = Math.min(EVAL_BATCH, data.size() - from);
            try (TFloat32 xt = data.batch(null, from, size);
                    Result r = session.runner().feed(images, xt).fetch(logits).run()) {
                System.arraycopy(Tensors.toArray(r.get(0)), 0, out, from * k, size * k);
            }
        }
        return out;
    }

    /**
     * Session options: soft placement, so ops without a kernel on the chosen device fall back. Thread
     * pools stay TensorFlow's (one intra- and one inter-op thread per core): one inter-op thread, or one
     * intra-op thread, measured within the noise of the default on 2 cores (interleaved rounds, mlp and
     * cnn). XLA auto-clustering was measured and is not used: on CPU it made the cnn step 13 times slower
     * (its convolutions are not oneDNN's).
     */
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

    /**
     * Validation numbers on the host in double precision: the smoothed loss from core's reference, and
     * accuracy, NLL and 15-bin ECE from the same accumulator the evaluator reports with.
     */
    record ValidationScores(double loss, double accuracy, double nll, double ece) {
        static ValidationScores of(float[] logits, int[] labels, int k, LabelSmoothing smoothing) {
            int n = labels.length;
            double[][] z = new double[n][k];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) {
                    z[i][j] = logits[i * k + j];
                }
            }
            MetricsAccumulator metrics = new MetricsAccumulator(new MetricsConfig(k, ECE_BINS, List.of(1), 0, 0));
            metrics.accept(Softmax.probabilities(logits, n, k), labels, n);
            MetricsResult m = metrics.result();
            return new ValidationScores(smoothing.loss(z, labels), m.accuracy(), m.negativeLogLikelihood(),
                    m.expectedCalibrationError());
        }
    }
}
