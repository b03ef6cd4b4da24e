package dev.smoothcal.evaluator.inference;

import dev.smoothcal.core.SmoothcalException;
import java.util.Arrays;
import java.util.Locale;

/** Where ONNX Runtime runs the model. */
public enum ExecutionProvider {
    /** CUDA when the GPU runtime is on the classpath and a device is usable, else CPU with a note saying why. */
    AUTO,
    /** The default CPU provider. */
    CPU,
    /** CUDA; fails with a clear message when it cannot be used. */
    CUDA;

    /**
     * Parses {@code auto}, {@code cpu} or {@code cuda}.
     *
     * @param text the provider's name, case-insensitive
     * @return the provider
     * @throws SmoothcalException naming {@code provider} for any other text
     */
    public static ExecutionProvider parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw SmoothcalException.invalid("provider", "must be one of "
                    + Arrays.toString(Arrays.stream(values()).map(v -> v.name().toLowerCase(Locale.ROOT)).toArray())
                    + ", found '" + text + "'");
        }
    }
}
