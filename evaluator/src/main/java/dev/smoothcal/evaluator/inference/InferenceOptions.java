package dev.smoothcal.evaluator.inference;

import dev.smoothcal.core.SmoothcalException;
import java.util.Optional;

/**
 * How to feed a classifier and read its output. Empty optionals mean "detect from the model and data".
 *
 * @param batchSize images per ORT call, in [1, 65536]
 * @param layout input layout, or detected from the input shape
 * @param outputName output to read, or {@code logits} when present, else the first output
 * @param outputKind logits or probabilities, or detected from the first batch
 * @param preprocessing host-side transform of raw pixels
 * @param spinning whether ONNX Runtime's threads spin between operators ({@link Spinning#OFF} unless the
 *     evaluation has the machine to itself)
 */
public record InferenceOptions(int batchSize, Optional<InputLayout> layout, Optional<String> outputName,
        Optional<OutputKind> outputKind, Preprocessing preprocessing, Spinning spinning) {

    /** Batch 256, everything detected, raw pixels, no spinning. */
    public static final InferenceOptions DEFAULTS = new InferenceOptions(256, Optional.empty(), Optional.empty(),
            Optional.empty(), Preprocessing.IDENTITY);

    /**
     * Checks the batch size and the preprocessing.
     *
     * @param batchSize images per ORT call, in [1, 65536]
     * @param layout input layout, or detected from the input shape
     * @param outputName output to read, or {@code logits} when present, else the first output
     * @param outputKind logits or probabilities, or detected from the first batch
     * @param preprocessing host-side transform of raw pixels
     * @param spinning whether ONNX Runtime's threads spin between operators
     * @throws SmoothcalException if the batch size is outside [1, 65536], or the preprocessing or the
     *     spinning is null
     */
    public InferenceOptions {
        if (batchSize < 1 || batchSize > 65_536) {
            throw SmoothcalException.invalid("batchSize", "must be in [1, 65536], found " + batchSize);
        }
        if (preprocessing == null) {
            throw SmoothcalException.invalid("preprocessing", "must be set (IDENTITY for raw pixels)");
        }
        if (spinning == null) {
            throw SmoothcalException.invalid("spinning", "must be set (OFF or ON)");
        }
    }

    /**
     * The options with {@link Spinning#OFF}.
     *
     * @param batchSize images per ORT call, in [1, 65536]
     * @param layout input layout, or detected from the input shape
     * @param outputName output to read, or {@code logits} when present, else the first output
     * @param outputKind logits or probabilities, or detected from the first batch
     * @param preprocessing host-side transform of raw pixels
     * @throws SmoothcalException if the batch size is outside [1, 65536] or the preprocessing is null
     */
    public InferenceOptions(int batchSize, Optional<InputLayout> layout, Optional<String> outputName,
            Optional<OutputKind> outputKind, Preprocessing preprocessing) {
        this(batchSize, layout, outputName, outputKind, preprocessing, Spinning.OFF);
    }

    /**
     * This configuration with another batch size.
     *
     * @param size images per ORT call, in [1, 65536]
     * @return a new configuration; this one is unchanged
     */
    public InferenceOptions withBatchSize(int size) {
        return new InferenceOptions(size, layout, outputName, outputKind, preprocessing, spinning);
    }

    /**
     * This configuration with another spinning setting.
     *
     * @param value whether ONNX Runtime's threads spin between operators
     * @return a new configuration; this one is unchanged
     */
    public InferenceOptions withSpinning(Spinning value) {
        return new InferenceOptions(batchSize, layout, outputName, outputKind, preprocessing, value);
    }
}
