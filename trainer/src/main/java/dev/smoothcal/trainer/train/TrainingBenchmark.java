package dev.smoothcal.trainer.train;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.types.TFloat32;

/**
 * Measures training steps per second of the real training graph (augmentation, forward, loss,
 * gradients, update) on real images. Batches are prepared on the host before timing, so the figure is
 * the session's own cost. Each measurement runs {@code warmup} untimed steps, then {@code rounds}
 * rounds of {@code steps} timed steps, and reports the median round.
 */
public final class TrainingBenchmark {
    private TrainingBenchmark() {
    }

    /**
     * One measurement.
     *
     * @param stepsPerSecond median over rounds
     * @param roundsStepsPerSecond every round, for the spread
     */
    public record Result(double stepsPerSecond, double[] roundsStepsPerSecond) {
    }

    public static Result measure(TrainConfig config, ResolvedModel model, Dataset data, int warmup, int steps, int rounds) {
        if (warmup < 0 || steps < 1 || rounds < 1) {
            throw new SmoothcalException("benchmark needs warmup >= 0, steps >= 1 and rounds >= 1, found " + warmup
                    + ", " + steps + ", " + rounds);
        }
        int batch = config.batchSize();
        if (data.size() < batch) {
            throw new SmoothcalException("benchmark batch size " + batch + " needs at least that many images, found "
                    + data.size() + " in " + data.name());
        }
        int k = model.numClasses();
        int per = data.shape().size();
        int batches = Math.min(16, data.size() / batch);
        List<float[]> xs = new ArrayList<>();
        List<float[]> ys = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            float[] x = Arrays.copyOfRange(data.images(), b * batch * per, (b + 1) * batch * per);
            float[] y = new float[batch * k];
            for (int i = 0; i < batch; i++) {
                y[i * k + data.labels()[b * batch + i]] = 1f;
            }
            xs.add(x);
            ys.add(y);
        }
        try (Graph graph = new Graph()) {
            TrainingGraph g = TrainingGraph.build(graph, config, model, Normalization.fit(data),
                    Weights.initial(model, config.seed()));
            try (Session session = new Session(graph, Trainer.sessionConfig())) {
                session.initialize();
                long step = 0;
                for (int i = 0; i < warmup; i++) {
                    run(session, g, config, data, xs.get(i % batches), ys.get(i % batches), batch, step++);
                }
                double[] rates = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < steps; i++) {
                        run(session, g, config, data, xs.get(i % batches), ys.get(i % batches), batch, step++);
                    }
                    rates[r] = steps / ((System.nanoTime() - t0) / 1e9);
                }
                double[] sorted = rates.clone();
                Arrays.sort(sorted);
                return new Result(sorted[rounds / 2], rates);
            }
        } catch (TensorFlowException e) {
            throw new SmoothcalException("TensorFlow failed in the benchmark: " + e.getMessage(), e);
        }
    }

    private static void run(Session session, TrainingGraph g, TrainConfig config, Dataset data, float[] x, float[] y,
            int batch, long step) {
        try (org.tensorflow.Result r = g.step(session, x, y, batch, data.shape(), config.seed(),
                config.optimizer().learningRate(), step, g.loss())) {
            float loss = ((TFloat32) r.get(0)).getFloat();
            if (!Float.isFinite(loss)) {
                throw new SmoothcalException("benchmark loss became " + loss);
            }
        }
    }
}
