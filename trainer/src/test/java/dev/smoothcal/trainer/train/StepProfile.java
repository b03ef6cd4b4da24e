package dev.smoothcal.trainer.train;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.trainer.augment.MixConfig;
import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

/**
 * Not a test: where a training step's time goes, per op, from TensorFlow's own step stats
 * ({@code RunOptions} trace level FULL_TRACE). Prints the plain wall time per step, the traced wall
 * time, and per op type the summed kernel time per step and its share of the summed kernel time of the
 * step, plus the busiest nodes. Run by hand:
 * {@code java -cp ... dev.smoothcal.trainer.train.StepProfile DATA MODEL [mixup|cutmix|off] [steps]}.
 */
public final class StepProfile {
    private StepProfile() {
    }

    public static void main(String[] args) {
        String dataPath = args[0];
        String modelName = args[1];
        String aug = args.length > 2 ? args[2] : "off";
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        if (args.length > 5 && args[5].equals("ab")) {
            abTest(dataPath, modelName, aug, steps, args[4].split(","));
            return;
        }
        ConfigProto options = variant(args.length > 4 ? args[4] : "default");
        Dataset data = DatasetSource.load(dataPath, DatasetSplit.TRAIN);
        ResolvedModel model = ModelSpec.load(modelName).resolve(data.shape(), data.numClasses());
        TrainingConfig config = config(aug);
        int batch = config.batchSize();
        int k = model.numClasses();
        int per = data.shape().size();
        List<TrainingSteps.Batch> batches = new ArrayList<>();
        for (int b = 0; b < 16; b++) {
            float[] x = java.util.Arrays.copyOfRange(data.images(), b * batch * per, (b + 1) * batch * per);
            float[] y = new float[batch * k];
            for (int i = 0; i < batch; i++) {
                y[i * k + data.labels()[b * batch + i]] = 1f;
            }
            batches.add(TrainingSteps.Batch.copyOf(x, y, batch, data.shape()));
        }
        Normalization norm = Normalization.fit(data, config.normalization());
        try (Graph graph = new Graph()) {
            TrainingGraph g = TrainingGraph.build(graph, config, model, norm, Weights.initial(model, config.seed()));
            try (Session session = new Session(graph, options)) {
                session.initialize();
                TrainingSteps stepper = new TrainingSteps(session, g, config.seed());
                stepper.start(batches.get(0), 0);
                long step = 0;
                for (int i = 0; i < 3 * steps; i++, step++) {
                    stepper.step(batches.get((int) ((step + 1) % 16)), 1e-3, g.loss()).close();
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < steps; i++, step++) {
                    stepper.step(batches.get((int) ((step + 1) % 16)), 1e-3, g.loss()).close();
                }
                double plain = (System.nanoTime() - t0) / 1e3 / steps;
                stepper.runOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
                Map<String, double[]> byType = new HashMap<>();
                Map<String, double[]> byNode = new HashMap<>();
                double traced = 0;
                for (int i = 0; i < steps; i++, step++) {
                    long s0 = System.nanoTime();
                    try (Result r = stepper.step(batches.get((int) ((step + 1) % 16)), 1e-3, g.loss())) {
                        traced += (System.nanoTime() - s0) / 1e3;
                        RunMetadata md = r.getMetadata().orElseThrow();
                        for (DeviceStepStats d : md.getStepStats().getDevStatsList()) {
                            for (NodeExecStats n : d.getNodeStatsList()) {
                                String label = n.getTimelineLabel();
                                String type = label.contains("= ") ? label.substring(label.indexOf("= ") + 2) : label;
                                int paren = type.indexOf('(');
                                type = paren > 0 ? type.substring(0, paren) : type;
                                double us = n.getOpEndRelMicros() - n.getOpStartRelMicros();
                                byType.computeIfAbsent(type, t -> new double[2])[0] += us;
                                byType.get(type)[1]++;
                                byNode.computeIfAbsent(n.getNodeName() + " (" + type + ")", t -> new double[2])[0] += us;
                            }
                        }
                    }
                }
                traced /= steps;
                double total = byType.values().stream().mapToDouble(v -> v[0]).sum() / steps;
                System.out.printf(Locale.ROOT, "%s %s: plain %.0f us/step (%.1f steps/s), traced %.0f us/step, "
                        + "summed op time %.0f us/step, %d nodes/step%n", modelName, aug, plain, 1e6 / plain, traced,
                        total, (int) (byType.values().stream().mapToDouble(v -> v[1]).sum() / steps));
                print("op type", byType, steps, total, 25);
                print("node", byNode, steps, total, 15);
            }
        }
    }

    /**
     * Session variants side by side: one graph and session each, all open, rounds of {@code steps} steps
     * interleaved (round r starts with variant r mod n), median steps/s per variant over 5 rounds.
     */
    static void abTest(String dataPath, String modelName, String aug, int steps, String[] variants) {
        Dataset data = DatasetSource.load(dataPath, DatasetSplit.TRAIN);
        ResolvedModel model = ModelSpec.load(modelName).resolve(data.shape(), data.numClasses());
        TrainingConfig config = config(aug);
        TrainingImages images = TrainingImages.of(data);
        List<TrainingSteps.Batch> batches = new ArrayList<>();
        for (int b = 0; b < 16; b++) {
            batches.add(new TrainingSteps.Batch(images.batch(null, b * 128, 128),
                    TrainingImages.oneHot(data.labels(), null, b * 128, 128, model.numClasses()), 128));
        }
        Normalization norm = Normalization.fit(data, config.normalization());
        int n = variants.length;
        List<Graph> graphs = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        List<TrainingGraph> gs = new ArrayList<>();
        List<TrainingSteps> steppers = new ArrayList<>();
        long[] step = new long[n];
        for (String v : variants) {
            Graph graph = new Graph();
            TrainingGraph g = TrainingGraph.build(graph, config, model, norm, Weights.initial(model, config.seed()));
            Session session = new Session(graph, variant(v));
            session.initialize();
            TrainingSteps stepper = new TrainingSteps(session, g, config.seed());
            stepper.start(batches.get(0), 0);
            graphs.add(graph);
            sessions.add(session);
            gs.add(g);
            steppers.add(stepper);
        }
        int rounds = 5;
        double[][] rate = new double[n][rounds];
        for (int r = -1; r < rounds; r++) {
            for (int j = 0; j < n; j++) {
                int i = (Math.max(r, 0) + j) % n;
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++, step[i]++) {
                    steppers.get(i).step(batches.get((int) ((step[i] + 1) % 16)), 1e-3, gs.get(i).loss()).close();
                }
                if (r >= 0) {
                    rate[i][r] = steps / ((System.nanoTime() - t0) / 1e9);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            System.out.printf(Locale.ROOT, "%s %s %-16s median %.1f steps/s, rounds %s%n", modelName, aug, variants[i],
                    TrainingBenchmark.median(rate[i]), java.util.Arrays.toString(
                            java.util.Arrays.stream(rate[i]).map(x -> Math.round(x * 10) / 10.0).toArray()));
        }
        sessions.forEach(Session::close);
        graphs.forEach(Graph::close);
        batches.forEach(TrainingSteps.Batch::close);
    }

    /** One epoch at batch 128 with the augmentation named by {@code aug}: mixup, cutmix, or anything else for none. */
    private static TrainingConfig config(String aug) {
        MixConfig mix = switch (aug) {
            case "mixup" -> MixConfig.mixup(0.2);
            case "cutmix" -> MixConfig.cutmix(1.0);
            default -> MixConfig.OFF;
        };
        return TrainingConfig.builder().epochs(1).batchSize(128).mix(mix).build();
    }

    /** Session options to compare: default, intra1, inter1, serial (1 and 1), jit, noremap. */
    static ConfigProto variant(String name) {
        ConfigProto.Builder b = Trainer.sessionConfig().toBuilder();
        for (String part : name.split("\\+")) {
            switch (part) {
                case "default" -> { }
                case "intra1" -> b.setIntraOpParallelismThreads(1);
                case "inter1" -> b.setInterOpParallelismThreads(1);
                case "inter2" -> b.setInterOpParallelismThreads(2);
                case "inter0" -> b.setInterOpParallelismThreads(0);
                case "intra2" -> b.setIntraOpParallelismThreads(2);
                case "jit" -> b.getGraphOptionsBuilder().getOptimizerOptionsBuilder()
                        .setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1);
                case "noremap" -> b.getGraphOptionsBuilder().getRewriteOptionsBuilder()
                        .setRemapping(RewriterConfig.Toggle.OFF);
                case "nograppler" -> b.getGraphOptionsBuilder().getRewriteOptionsBuilder()
                        .setDisableMetaOptimizer(true);
                default -> throw new IllegalArgumentException(part);
            }
        }
        return b.build();
    }

    private static void print(String what, Map<String, double[]> stats, int steps, double total, int top) {
        System.out.printf(Locale.ROOT, "  %-60s %10s %7s%n", what, "us/step", "share");
        stats.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0])).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %-60s %10.1f %6.1f%%%n", e.getKey(),
                        e.getValue()[0] / steps, 100 * e.getValue()[0] / steps / total));
    }
}
