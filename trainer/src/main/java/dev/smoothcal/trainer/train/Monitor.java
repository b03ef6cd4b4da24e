package dev.smoothcal.trainer.train;

import java.util.Locale;

/** The validation number that picks the best epoch and drives early stopping. */
public enum Monitor {
    /** Validation loss (the smoothed objective); lower is better. */
    VAL_LOSS(true),
    /** Validation accuracy; higher is better. */
    VAL_ACCURACY(false),
    /** Validation negative log-likelihood (unsmoothed); lower is better. */
    VAL_NLL(true),
    /** Validation ECE; lower is better. */
    VAL_ECE(true);

    private final boolean lowerIsBetter;

    Monitor(boolean lowerIsBetter) {
        this.lowerIsBetter = lowerIsBetter;
    }

    /**
     * The value of this metric in {@code r}.
     *
     * @param r the epoch's record
     * @return the monitored value
     */
    public double of(EpochRecord r) {
        return switch (this) {
            case VAL_LOSS -> r.valLoss();
            case VAL_ACCURACY -> r.valAccuracy();
            case VAL_NLL -> r.valNll();
            case VAL_ECE -> r.valEce();
        };
    }

    /**
     * Whether {@code candidate} improves on {@code best} (any strict improvement counts).
     *
     * @param candidate the new value
     * @param best the best value so far
     * @return true when {@code candidate} is strictly better
     */
    public boolean improves(double candidate, double best) {
        return lowerIsBetter ? candidate < best : candidate > best;
    }

    /**
     * The history.csv column name, e.g. {@code val_loss}.
     *
     * @return the column name
     */
    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }
}
