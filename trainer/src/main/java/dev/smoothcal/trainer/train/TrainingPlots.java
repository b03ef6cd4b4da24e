package dev.smoothcal.trainer.train;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of a training history, training vs validation per epoch: {@code loss.png} (the smoothed
 * objective), {@code accuracy.png} and {@code ece.png} (validation only: training ECE is not measured).
 */
public final class TrainingPlots {
    /** The files {@link #write} creates. */
    public static final List<String> FILES = List.of("loss.png", "accuracy.png", "ece.png");

    private TrainingPlots() {
    }

    /**
     * Writes {@link #FILES} into {@code dir}.
     *
     * @param history one record per epoch, in order
     * @param dir the output folder
     */
    public static void write(List<EpochRecord> history, Path dir) {
        System.setProperty("java.awt.headless", "true");
        double[] epochs = series(history, EpochRecord::epoch);
        plot(dir.resolve("loss.png"), "Label-smoothed loss", "loss", epochs,
                series(history, EpochRecord::trainLoss), series(history, EpochRecord::valLoss));
        plot(dir.resolve("accuracy.png"), "Accuracy", "accuracy", epochs,
                series(history, EpochRecord::trainAccuracy), series(history, EpochRecord::valAccuracy));
        plot(dir.resolve("ece.png"), "Expected calibration error (15 bins)", "ECE", epochs, null,
                series(history, EpochRecord::valEce));
    }

    private static void plot(Path file, String title, String yTitle, double[] x, double[] train, double[] val) {
        XYChart chart = new XYChartBuilder().width(720).height(420).title(title).xAxisTitle("epoch")
                .yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        if (train != null) {
            chart.addSeries("training", x, train).setMarker(SeriesMarkers.CIRCLE);
        }
        chart.addSeries("validation", x, val).setMarker(SeriesMarkers.DIAMOND);
        try {
            AtomicFiles.writeBytes(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new SmoothcalException("could not render " + file + ": " + e.getMessage(), e);
        }
    }

    private static double[] series(List<EpochRecord> history, ToDoubleFunction<EpochRecord> f) {
        return history.stream().mapToDouble(f).toArray();
    }
}
