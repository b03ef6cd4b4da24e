package dev.smoothcal.trainer.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A resolved model as a table, as Keras' {@code model.summary()}: one row per layer with its output shape
 * (without the batch axis) and its own parameter count, branch layers indented under their
 * {@code concat}/{@code add}, then the totals. Counts include batch-norm moving statistics, as Keras' total
 * does; {@link #trainableParameters()} leaves them out.
 *
 * @param model the model's name
 * @param input the input as {@code HxWxC}
 * @param classes the width of the head
 * @param rows the layers, depth-first, branches in order
 * @param totalParameters every value, trainable and state
 * @param trainableParameters the values the optimizer trains
 */
public record ModelSummary(String model, String input, int classes, List<Row> rows, long totalParameters,
        long trainableParameters) {

    /**
     * Copies the rows.
     *
     * @param model the model's name
     * @param input the input as {@code HxWxC}
     * @param classes the width of the head
     * @param rows the layers
     * @param totalParameters every value
     * @param trainableParameters the trained values
     */
    public ModelSummary {
        rows = List.copyOf(rows);
    }

    /**
     * One layer.
     *
     * @param depth 0 for a top-level layer, 1 inside a branch, and so on
     * @param layer what the layer is ({@code conv2d 96 3x3/1 same})
     * @param outputShape its output without the batch axis
     * @param parameters the values of its own parameters (0 for concat and add: their branches hold theirs)
     */
    public record Row(int depth, String layer, List<Long> outputShape, long parameters) {
        /**
         * Copies the shape.
         *
         * @param depth nesting depth, at least 0
         * @param layer the layer's description
         * @param outputShape its output without the batch axis
         * @param parameters its own parameter values
         */
        public Row {
            outputShape = List.copyOf(outputShape);
        }
    }

    /**
     * The summary of {@code model}.
     *
     * @param model a resolved model
     * @return its rows and totals
     */
    public static ModelSummary of(ResolvedModel model) {
        List<Row> rows = new ArrayList<>();
        collect(model.steps(), 0, rows);
        var in = model.input();
        return new ModelSummary(model.name(), in.height() + "x" + in.width() + "x" + in.channels(), model.numClasses(),
                rows, model.parameterCount(), model.trainableParameterCount());
    }

    private static void collect(List<ResolvedModel.Step> steps, int depth, List<Row> rows) {
        for (ResolvedModel.Step s : steps) {
            long own = s.params().stream().mapToLong(ResolvedModel.Param::size).sum();
            rows.add(new Row(depth, s.layer().accept(NAMES), Arrays.stream(s.outputShape()).boxed().toList(), own));
            for (int b = 0; b < s.branches().size(); b++) {
                List<ResolvedModel.Step> branch = s.branches().get(b);
                rows.add(new Row(depth + 1, "branch " + b + (branch.isEmpty() ? ": identity" : ""),
                        Arrays.stream(branch.isEmpty() ? s.inputShape() : branch.get(branch.size() - 1).outputShape())
                                .boxed().toList(), 0));
                collect(branch, depth + 2, rows);
            }
        }
    }

    /**
     * The table as text: a header, one line per row, the totals.
     *
     * @return lines ending in {@code \n}
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Model: %s on %s, %d classes%n", model, input, classes));
        String rule = "-".repeat(78) + System.lineSeparator();
        sb.append(rule);
        sb.append(String.format(Locale.ROOT, "%-48s %-16s %12s%n", "layer", "output shape", "parameters"));
        sb.append("=".repeat(78)).append(System.lineSeparator());
        for (Row r : rows) {
            String shape = r.outputShape().stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
            sb.append(String.format(Locale.ROOT, "%-48s %-16s %12s", "  ".repeat(r.depth()) + r.layer(), shape,
                    r.layer().startsWith("branch ") ? "" : String.format(Locale.ROOT, "%,d", r.parameters()))
                    .stripTrailing()).append(System.lineSeparator());
        }
        sb.append("=".repeat(78)).append(System.lineSeparator());
        sb.append(String.format(Locale.ROOT, "Total params: %,d%n", totalParameters));
        sb.append(String.format(Locale.ROOT, "Trainable params: %,d%n", trainableParameters));
        sb.append(String.format(Locale.ROOT, "Non-trainable params: %,d%n", totalParameters - trainableParameters));
        return sb.toString();
    }

    private static final Layer.Visitor<String> NAMES = new Layer.Visitor<>() {
        @Override
        public String dense(Layer.Dense d) {
            return "dense " + d.units();
        }

        @Override
        public String relu(Layer.Relu r) {
            return "relu";
        }

        @Override
        public String flatten(Layer.Flatten f) {
            return "flatten";
        }

        @Override
        public String dropout(Layer.Dropout d) {
            return "dropout " + d.rate();
        }

        @Override
        public String conv2d(Layer.Conv2D c) {
            return "conv2d " + c.filters() + " " + c.kernelH() + "x" + c.kernelW() + "/" + stride(c.strideH(), c.strideW())
                    + " " + lower(c.padding()) + (c.bias() == Layer.Bias.NONE ? " no bias" : "");
        }

        @Override
        public String maxPool(Layer.MaxPool m) {
            return "max_pool " + m.poolH() + "x" + m.poolW() + "/" + stride(m.strideH(), m.strideW()) + " "
                    + lower(m.padding());
        }

        @Override
        public String averagePool(Layer.AveragePool a) {
            return "average_pool " + a.poolH() + "x" + a.poolW() + "/" + stride(a.strideH(), a.strideW()) + " "
                    + lower(a.padding());
        }

        @Override
        public String globalAveragePool(Layer.GlobalAveragePool g) {
            return "global_average_pool";
        }

        @Override
        public String batchNorm(Layer.BatchNorm b) {
            return "batch_norm";
        }

        @Override
        public String concat(Layer.Concat c) {
            return "concat";
        }

        @Override
        public String add(Layer.Add a) {
            return "add";
        }

        private String stride(int h, int w) {
            return h == w ? Integer.toString(h) : h + "x" + w;
        }

        private String lower(Padding p) {
            return p.name().toLowerCase(Locale.ROOT);
        }
    };
}
