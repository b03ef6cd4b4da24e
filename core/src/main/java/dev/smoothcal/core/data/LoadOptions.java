package dev.smoothcal.core.data;

import java.util.Objects;
import java.util.Optional;

/**
 * How to load a split: the memory budget, an optional resize of images, and a progress listener.
 *
 * @param limits the memory budget (default {@link DataLimits#defaults()})
 * @param resize the size and rule every image of an image folder is brought to, or empty to require one size
 * @param listener hears decoding progress (default {@link LoadListener#NONE})
 */
public record LoadOptions(DataLimits limits, Optional<Resize> resize, LoadListener listener) {
    /**
     * Validates the parts.
     *
     * @param limits the memory budget
     * @param resize the resize, or empty
     * @param listener hears decoding progress
     * @throws NullPointerException for a missing part
     */
    public LoadOptions {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(resize, "resize");
        Objects.requireNonNull(listener, "listener");
    }

    /**
     * The defaults: half the heap, no resize, no listener.
     *
     * @return the options
     */
    public static LoadOptions defaults() {
        return new LoadOptions(DataLimits.defaults(), Optional.empty(), LoadListener.NONE);
    }

    /**
     * These options with another budget.
     *
     * @param other the budget
     * @return the changed options
     */
    public LoadOptions withLimits(DataLimits other) {
        return new LoadOptions(other, resize, listener);
    }

    /**
     * These options resizing every image.
     *
     * @param to the target and rule
     * @return the changed options
     */
    public LoadOptions withResize(Resize to) {
        return new LoadOptions(limits, Optional.of(to), listener);
    }

    /**
     * These options reporting progress.
     *
     * @param to the listener
     * @return the changed options
     */
    public LoadOptions withListener(LoadListener to) {
        return new LoadOptions(limits, resize, to);
    }
}
