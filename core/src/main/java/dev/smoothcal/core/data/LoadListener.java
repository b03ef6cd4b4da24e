package dev.smoothcal.core.data;

/** Hears how far loading has come: images decoded so far, for a progress display with images/s. */
@FunctionalInterface
public interface LoadListener {
    /** A listener that ignores everything. */
    LoadListener NONE = (done, total) -> { };

    /**
     * Some images more were decoded.
     *
     * @param done images decoded so far
     * @param total images to decode
     */
    void decoded(int done, int total);
}
