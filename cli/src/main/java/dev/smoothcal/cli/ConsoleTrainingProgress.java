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
 * Shows training progress on stderr: a progress bar per epoch with the running loss, images/s, steps/s and
 * the epoch's ETA (from the steps/s measured so far, {@link EpochEta}) on a terminal; and one line per epoch
 * in either case, with the epoch's time and the run's ETA (logs, CI).
 */
final class ConsoleTrainingProgress implements TrainingListener {
    private final PrintStream err;
    private final boolean interactive;
    private ProgressBar bar;
    private long epochStarted;
    private int steps;
    private int epochs;
    private double trainSeconds;

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
        this.epochStarted = System.nanoTime();
        this.steps = steps;
        this.epochs = epochs;
        if (interactive) {
            bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch, epochs))
                    .setInitialMax(steps).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
                    .continuousUpdate().build();
        }
    }

    @Override
    public void stepFinished(int step, double loss, double imagesPerSecond) {
        trainSeconds = (System.nanoTime() - epochStarted) / 1e9;
        if (bar != null) {
            bar.stepTo(step);
            EpochEta eta = new EpochEta(step, steps, trainSeconds);
            bar.setExtraMessage(eta.line(loss, imagesPerSecond));
        }
    }

    @Override
    public void epochFinished(EpochRecord r) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        double seconds = (System.nanoTime() - epochStarted) / 1e9;
        err.printf(Locale.ROOT, "epoch %d: train loss %.4f acc %.4f | val loss %.4f acc %.4f nll %.4f ece %.4f | %s%n",
                r.epoch(), r.trainLoss(), r.trainAccuracy(), r.valLoss(), r.valAccuracy(), r.valNll(), r.valEce(),
                timing(seconds, new EpochEta(steps, steps, trainSeconds).stepsPerSecond(), r.epoch(), epochs));
    }

    /**
     * {@code 12.3 s (4.56 steps/s), run ETA 1:02 for 5 more epochs}: the epoch's wall time (training and
     * validation), the training steps/s, and the run's ETA at this epoch's time per epoch.
     */
    static String timing(double seconds, double stepsPerSecond, int epoch, int epochs) {
        int left = Math.max(0, epochs - epoch);
        return String.format(Locale.ROOT, "%.1f s (%.2f steps/s)%s", seconds, stepsPerSecond,
                left == 0 ? "" : ", run ETA " + EpochEta.duration(EpochEta.runRemainingSeconds(seconds, left))
                        + " for " + left + " more epoch" + (left == 1 ? "" : "s"));
    }

    @Override
    public void phase(String description) {
        err.println(description + " ...");
    }
}
