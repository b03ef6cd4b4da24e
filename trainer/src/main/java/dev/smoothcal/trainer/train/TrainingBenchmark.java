package dev.smoothcal.trainer.train;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.types.TFloat32;

/**
 * Measures training steps per second of the real training step (augmentation, forward, loss, gradients,
 * update; {@link Trainer} runs the same {@link TrainingSteps}) on real images, for several
 * configurations side by side. Batches are prepared on the host before timing, so the figure is the
 * session's own cost.
 *
 * <p>Every configuration gets its own graph and session, all open at once. After {@code warmup}
 * untimed steps each, the rounds are interleaved: round {@code r} times {@code steps} steps of every
 * configuration, starting with configuration {@code r mod n}, so that a slow phase of the machine (a
 * frequency change, another process, the JIT) falls on all of them alike rather than on whichever ran
 * first. A configuration's cost is the median over rounds of {@code t_i / t_0 - 1}, with {@code t} the
 * time per step in the same round and configuration 0 the baseline: pairing within a round cancels
 * drift between rounds. With it comes a distribution-free {@value #COST_CONFIDENCE_PERCENT}% confidence
 * interval of that median ({@link #medianInterval}), so that a cost can be told from the noise: an
 * interval holding 0 means the rounds did not show a cost at all.
 */
public final class TrainingBenchmark {
    /** Confidence level of {@link Measurement#costLowerPercent()}..{@link Measurement#costUpperPercent()}, in percent. */
    public static final int COST_CONFIDENCE_PERCENT = 95;

    private TrainingBenchmark() {
    }

    /**
     * One configuration's figures.
     *
     * @param config what was measured
     * @param stepsPerSecond median over rounds
     * @param roundsStepsPerSecond every round, for the spread
     * @param costPercent median over rounds of the extra time per step relative to the baseline
     *     (configuration 0) in the same round, in percent; 0 for the baseline itself
     * @param costLowerPercent lower end of the {@value #COST_CONFIDENCE_PERCENT}% confidence interval of
     *     {@code costPercent} ({@link #medianInterval}); NaN for fewer than 6 rounds, 0 for the baseline
     * @param costUpperPercent upper end of that interval; NaN for fewer than 6 rounds, 0 for the baseline
     */
    public record Measurement(TrainingConfig config, double stepsPerSecond, double[] roundsStepsPerSecond,
            double costPercent, double costLowerPercent, double costUpperPercent) {
    }

    /**
     * Measures {@code configs}, the first being the baseline of the costs.
     *
     * @param configs the configurations to compare, all of one batch size; the first is the baseline
     * @param model the model to train
     * @param data the images to train on, at least one batch
     * @param warmup untimed steps per configuration before the rounds
     * @param steps timed steps per configuration in each round
     * @param rounds the number of rounds
     * @return one measurement per configuration, in the order given
     * @throws SmoothcalException for empty {@code configs}, counts out of range, fewer images than a
     *     batch, configurations of different batch sizes, or a TensorFlow failure
     */
    public static List<Measurement> compare(List<TrainingConfig> configs, ResolvedModel model, Dataset data, int warmup,
            int steps, int rounds) {
        if (configs.isEmpty()) {
            throw new SmoothcalException("benchmark needs at least one configuration, found none");
        }
        checkCounts(warmup, steps, rounds);
        int batch = configs.get(0).batchSize();
        for (TrainingConfig c : configs) {
            if (c.batchSize() != batch) {
                throw new SmoothcalException("benchmark configurations must share one batch size; expected " + batch
                        + ", found " + c.batchSize());
            }
        }
        if (data.size() < batch) {
            throw new SmoothcalException("benchmark batch size " + batch + " needs at least that many images, found "
                    + data.size() + " in " + data.name());
        }
        List<Bench> benches = new ArrayList<>();
        try (Batches batches = Batches.of(data, batch, model.numClasses())) {
            for (TrainingConfig c : configs) {
                benches.add(Bench.open(c, model, Normalization.fit(data, c.normalization()), data, batches));
            }
            for (Bench b : benches) {
                b.run(batches, warmup);
            }
            int n = benches.size();
            double[][] secondsPerStep = new double[n][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int j = 0; j < n; j++) {
                    int i = (r + j) % n;
                    long t0 = System.nanoTime();
                    benches.get(i).run(batches, steps);
                    secondsPerStep[i][r] = (System.nanoTime() - t0) / 1e9 / steps;
                }
            }
            List<Measurement> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double[] rates = new double[rounds];
                double[] costs = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    rates[r] = 1.0 / secondsPerStep[i][r];
                    costs[r] = 100.0 * (secondsPerStep[i][r] / secondsPerStep[0][r] - 1.0);
                }
                if (i == 0) {
                    out.add(new Measurement(configs.get(i), median(rates), rates, 0.0, 0.0, 0.0));
                } else {
                    double[] interval = medianInterval(costs, COST_CONFIDENCE_PERCENT / 100.0);
                    out.add(new Measurement(configs.get(i), median(rates), rates, median(costs),
                            interval == null ? Double.NaN : interval[0], interval == null ? Double.NaN : interval[1]));
                }
            }
            return out;
        } catch (TensorFlowException e) {
            throw SmoothcalException.backend("TensorFlow failed in the benchmark: " + e.getMessage(), e);
        } finally {
            benches.forEach(Bench::close);
        }
    }

    /**
     * Checks the counts {@link #compare} takes, so that a caller can refuse them before other work.
     *
     * @param warmup untimed steps, at least 0
     * @param steps timed steps per round, at least 1
     * @param rounds rounds, at least 1
     * @throws SmoothcalException naming the first count out of range
     */
    public static void checkCounts(int warmup, int steps, int rounds) {
        if (warmup < 0) {
            throw SmoothcalException.invalid("warmup", "must be at least 0 (untimed steps), found " + warmup);
        }
        if (steps < 1) {
            throw SmoothcalException.invalid("steps", "must be at least 1 (timed steps per round), found " + steps);
        }
        if (rounds < 1) {
            throw SmoothcalException.invalid("rounds", "must be at least 1, found " + rounds);
        }
    }

    /**
     * A distribution-free confidence interval of the median of independent values: the order statistics
     * {@code x_(j)} and {@code x_(n+1-j)} (1-based, ascending), with {@code j} the largest integer such
     * that {@code P(B < j) <= (1 - level) / 2} for {@code B ~ Binomial(n, 1/2)}. Whatever the values'
     * (continuous) distribution, the interval holds its median with probability at least {@code level}
     * (for 95%: n = 6 gives the range, 20 gives {@code [x_(6), x_(15)]}, 25 gives {@code [x_(8), x_(18)]}).
     *
     * @param values the values, at least one
     * @param level the confidence level, in (0, 1)
     * @return {@code [lower, upper]}, or null when n is too small for the level (no j of at least 1)
     */
    static double[] medianInterval(double[] values, double level) {
        int n = values.length;
        BinomialDistribution rounds = new BinomialDistribution(null, n, 0.5);
        double tail = (1 - level) / 2;
        int j = 0;
        // P(B < j + 1) = P(B <= j)
        while (j < n && rounds.cumulativeProbability(j) <= tail) {
            j++;
        }
        if (j == 0) {
            return null;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[j - 1], sorted[n - j]};
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
    }

    /**
     * Up to 16 batches of raw images and one-hot labels, made once as tensors and fed again and again,
     * so that a timed step does no host work but its own feeding.
     */
    private record Batches(List<TrainingSteps.Batch> list) implements AutoCloseable {
        static Batches of(Dataset data, int batch, int k) {
            TrainingImages images = TrainingImages.of(data);
            int count = Math.min(16, data.size() / batch);
            List<TrainingSteps.Batch> list = new ArrayList<>();
            try {
                for (int b = 0; b < count; b++) {
                    TFloat32 x = images.batch(null, b * batch, batch);
                    list.add(new TrainingSteps.Batch(x, TrainingImages.oneHot(data.labels(), null, b * batch, batch, k),
                            batch));
                }
            } catch (RuntimeException e) {
                list.forEach(TrainingSteps.Batch::close);
                throw e;
            }
            return new Batches(list);
        }

        TrainingSteps.Batch get(long step) {
            return list.get((int) (step % list.size()));
        }

        @Override
        public void close() {
            list.forEach(TrainingSteps.Batch::close);
        }
    }

    /**
     * One configuration's graph and session. Its steps form one unbroken sequence across warm-up and
     * rounds, as within a training epoch, so a round times steps alone.
     */
    private static final class Bench implements AutoCloseable {
        private final TrainingConfig config;
        private final Graph graph;
        private final Session session;
        private final TrainingGraph g;
        private final TrainingSteps steps;
        private long step;

        private Bench(TrainingConfig config, Graph graph, Session session, TrainingGraph g, TrainingSteps steps) {
            this.config = config;
            this.graph = graph;
            this.session = session;
            this.g = g;
            this.steps = steps;
        }

        static Bench open(TrainingConfig config, ResolvedModel model, Normalization norm, Dataset data, Batches batches) {
            Graph graph = new Graph();
            try {
                TrainingGraph g = TrainingGraph.build(graph, config, model, norm, Weights.initial(model, config.seed()));
                Session session = new Session(graph, Trainer.sessionConfig());
                try {
                    session.initialize();
                    TrainingSteps steps = new TrainingSteps(session, g, config.seed());
                    steps.start(batches.get(0), 0);
                    return new Bench(config, graph, session, g, steps);
                } catch (RuntimeException e) {
                    session.close();
                    throw e;
                }
            } catch (RuntimeException e) {
                graph.close();
                throw e;
            }
        }

        void run(Batches batches, int count) {
            for (int i = 0; i < count; i++, step++) {
                try (Result r = steps.step(batches.get(step + 1), config.optimizer().learningRate(), g.loss())) {
                    float loss = ((TFloat32) r.get(0)).getFloat();
                    if (!Float.isFinite(loss)) {
                        throw new SmoothcalException("benchmark loss became " + loss + " at step " + step);
                    }
                }
            }
        }

        @Override
        public void close() {
            session.close();
            graph.close();
        }
    }
}
