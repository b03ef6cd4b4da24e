package dev.smoothcal.cli;

import dev.smoothcal.trainer.model.ModelSummary;
import dev.smoothcal.trainer.train.EpochRecord;
import dev.smoothcal.trainer.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress on stderr: a progress bar per epoch with the running loss and images/s on
 * a terminal, and one line per epoch otherwise (logs, CI).
 */
final class ConsoleTrainingProgress implements TrainingListener {
    private final PrintStream err;
    private final boolean interactive;
    private ProgressBar bar;

    ConsoleTrainingProgress(PrintStream err) {
        this.err = err;
        this.interactive = System.console() != null;
    }

    @Override
    public void modelResolved(ModelSummary summary) {
        err.print(summary.text());
    }

    @Override
    public void epochStarted(int epoch, int epochs, int steps) {
        if (interactive) {
            bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                    .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                    .continuousUpdate().build();
        }
    }

    @Override
    public void stepFinished(int step, double loss, double imagesPerSecond) {
        if (bar != null) {
            bar.stepTo(step);
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f, %.0f img/s", loss, imagesPerSecond));
        }
    }

    @Override
    public void epochFinished(EpochRecord r) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        err.printf(Locale.ROOT, "epoch %d: train loss %.4f acc %.4f | val loss %.4f acc %.4f nll %.4f ece %.4f%n",
                r.epoch(), r.trainLoss(), r.trainAccuracy(), r.valLoss(), r.valAccuracy(), r.valNll(), r.valEce());
    }

    @Override
    public void phase(String description) {
        err.println(description + " ...");
    }
}
