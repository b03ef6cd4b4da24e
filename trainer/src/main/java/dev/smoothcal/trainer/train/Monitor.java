package dev.smoothcal.trainer.train;

import java.util.Locale;

/** The validation number that picks the best epoch and drives early stopping. */
public enum Monitor {
    VAL_LOSS(true), VAL_ACCURACY(false), VAL_NLL(true), VAL_ECE(true);

    private final boolean lowerIsBetter;

    Monitor(boolean lowerIsBetter) {
        this.lowerIsBetter = lowerIsBetter;
    }

    /** The value of this metric in {@code r}. */
    public double of(EpochRecord r) {
        return switch (this) {
            case VAL_LOSS -> r.valLoss();
            case VAL_ACCURACY -> r.valAccuracy();
            case VAL_NLL -> r.valNll();
            case VAL_ECE -> r.valEce();
        };
    }

    /** Whether {@code candidate} improves on {@code best} (any strict improvement counts). */
    public boolean improves(double candidate, double best) {
        return lowerIsBetter ? candidate < best : candidate > best;
    }

    /** The history.csv column name, e.g. {@code val_loss}. */
    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }
}
