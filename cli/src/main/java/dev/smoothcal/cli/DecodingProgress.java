package dev.smoothcal.cli;

import dev.smoothcal.core.data.LoadListener;

/**
 * Decoding progress with images/s on a terminal, shown from the first decoded image (formats that are not
 * decoded, IDX or NumPy, never show it). Close it when loading ends.
 */
final class DecodingProgress implements LoadListener, AutoCloseable {
    private final String label;
    private ConsoleProgress bar;

    DecodingProgress(String label) {
        this.label = label;
    }

    @Override
    public void decoded(int done, int total) {
        if (bar == null) {
            bar = ConsoleProgress.startWithSpeed(label, total, "img");
        }
        bar.stepTo(done);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
