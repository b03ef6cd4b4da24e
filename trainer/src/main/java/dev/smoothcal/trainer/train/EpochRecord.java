package dev.smoothcal.trainer.train;

import java.util.List;
import java.util.Locale;

/**
 * One row of {@code history.csv}. Losses are the training objective (label-smoothed cross-entropy);
 * {@code valNll} is the unsmoothed negative log-likelihood; {@code valEce} uses 15 equal-width bins.
 */
public record EpochRecord(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
        double valNll, double valEce, double learningRate) {

    /** Column names of {@code history.csv}, in order. */
    public static final List<String> COLUMNS = List.of("epoch", "train_loss", "train_accuracy", "val_loss",
            "val_accuracy", "val_nll", "val_ece", "learning_rate");

    /**
     * The CSV row; numbers with 8 significant digits so that the file is stable and readable.
     *
     * @return the row, without a line end, in the order of {@link #COLUMNS}
     */
    public String csvRow() {
        return String.format(Locale.ROOT, "%d,%.8g,%.8g,%.8g,%.8g,%.8g,%.8g,%.8g", epoch, trainLoss, trainAccuracy,
                valLoss, valAccuracy, valNll, valEce, learningRate);
    }
}
