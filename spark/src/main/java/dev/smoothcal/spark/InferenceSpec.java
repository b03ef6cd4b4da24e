package dev.smoothcal.spark;

import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import dev.smoothcal.evaluator.inference.InputLayout;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.evaluator.inference.Preprocessing;
import java.io.Serializable;
import java.util.Optional;

/**
 * What an executor needs to open the classifier the driver opened: the model's digest (the key of the
 * executor's session cache), the image shape and the inference options, in a serializable form
 * ({@link InferenceOptions} holds {@code Optional}s, which are not).
 */
record InferenceSpec(String modelDigest, int height, int width, int channels, int batchSize, InputLayout layout,
        String outputName, OutputKind outputKind, double scale, double[] mean, double[] std,
        ExecutionProvider provider) implements Serializable {

    static InferenceSpec of(String modelDigest, ImageShape shape, InferenceOptions options, ExecutionProvider provider) {
        Preprocessing p = options.preprocessing();
        return new InferenceSpec(modelDigest, shape.height(), shape.width(), shape.channels(), options.batchSize(),
                options.layout().orElse(null), options.outputName().orElse(null), options.outputKind().orElse(null),
                p.scale(), p.mean().clone(), p.std().clone(), provider);
    }

    ImageShape shape() {
        return new ImageShape(height, width, channels);
    }

    InferenceOptions options() {
        return new InferenceOptions(batchSize, Optional.ofNullable(layout), Optional.ofNullable(outputName),
                Optional.ofNullable(outputKind), new Preprocessing(scale, mean, std));
    }

    /** The key of one classifier in an executor: the model, the shape and the options (arrays by content). */
    String classifierKey() {
        return modelDigest + "|" + height + "x" + width + "x" + channels + "|" + batchSize + "|" + layout + "|"
                + outputName + "|" + outputKind + "|" + scale + "|" + java.util.Arrays.toString(mean) + "|"
                + java.util.Arrays.toString(std) + "|" + provider;
    }
}
