package dev.smoothcal.trainer.model;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A named, declarative network: the hidden layers; {@link #resolve} appends the classifier head.
 *
 * @param name preset name or a user-chosen name
 * @param layers hidden layers, in order
 */
public record ModelSpec(String name, List<Layer> layers) {

    private static final Map<String, ModelSpec> PRESETS = Map.of(
            "mlp", new ModelSpec("mlp", List.of(new Layer.Flatten(), new Layer.Dense(256), new Layer.Relu(),
                    new Layer.Dense(128), new Layer.Relu())));

    public ModelSpec {
        if (name == null || name.isBlank()) {
            throw new SmoothcalException("model name must not be empty");
        }
        layers = List.copyOf(layers);
    }

    /** Preset names, sorted. */
    public static List<String> presetNames() {
        return PRESETS.keySet().stream().sorted().toList();
    }

    /**
     * The preset called {@code name}.
     *
     * @throws SmoothcalException listing the presets when the name is unknown
     */
    public static ModelSpec preset(String name) {
        ModelSpec spec = PRESETS.get(name);
        if (spec == null) {
            throw new SmoothcalException("--model must be one of " + presetNames() + ", found '" + name + "'");
        }
        return spec;
    }

    /**
     * Resolves every layer's parameter shapes for {@code input} images and {@code numClasses} classes,
     * appending the head {@code Dense(numClasses)}. Parameter names are flat ({@code dense1_kernel}),
     * which TF optimizers need for their slot names.
     *
     * @throws SmoothcalException if a layer cannot take its input (for example Dense on an unflattened image)
     */
    public ResolvedModel resolve(ImageShape input, int numClasses) {
        if (numClasses < 2) {
            throw new SmoothcalException("a classifier needs at least 2 classes, found " + numClasses);
        }
        List<Layer> all = new ArrayList<>(layers);
        all.add(new Layer.Dense(numClasses));
        List<ResolvedModel.Step> steps = new ArrayList<>();
        long[] shape = {input.height(), input.width(), input.channels()};
        int dense = 0;
        for (Layer layer : all) {
            long[] in = shape;
            ResolvedModel.Step step;
            if (layer instanceof Layer.Dense d) {
                if (in.length != 1) {
                    throw new SmoothcalException("model " + name + ": Dense expects a flat input, found shape "
                            + java.util.Arrays.toString(in) + " (add a Flatten layer before it)");
                }
                dense++;
                shape = new long[] {d.units()};
                step = new ResolvedModel.Step(layer, in, shape, List.of(
                        new ResolvedModel.Param("dense" + dense + "_kernel", new long[] {in[0], d.units()}),
                        new ResolvedModel.Param("dense" + dense + "_bias", new long[] {d.units()})));
            } else if (layer instanceof Layer.Flatten) {
                long n = 1;
                for (long v : in) {
                    n *= v;
                }
                shape = new long[] {n};
                step = new ResolvedModel.Step(layer, in, shape, List.of());
            } else {
                step = new ResolvedModel.Step(layer, in, in, List.of());
            }
            steps.add(step);
        }
        return new ResolvedModel(name, input, numClasses, steps);
    }
}
