package dev.smoothcal.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr when it is a terminal; silent otherwise. */
final class ConsoleProgress implements AutoCloseable {
    private final ProgressBar bar;

    private ConsoleProgress(ProgressBar bar) {
        this.bar = bar;
    }

    static ConsoleProgress start(String task, long max) {
        if (System.console() == null) {
            return new ConsoleProgress(null);
        }
        // A phase without a count (max 0) shows as an indeterminate bar: its name, the time, no percentage.
        return new ConsoleProgress(new ProgressBarBuilder().setTaskName(task).setInitialMax(max > 0 ? max : -1)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate().build());
    }

    void stepTo(long n) {
        if (bar != null) {
            bar.stepTo(n);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
