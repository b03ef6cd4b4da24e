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
 * objective), {@code accuracy.png} and {@code ece.png} (validation only: training ECE is not measured),
 * each with the exported epoch marked; and {@code learning_rate.png}, the rate of each epoch's last step.
 */
public final class TrainingPlots {
    /** The files {@link #write} creates. */
    public static final List<String> FILES = List.of("loss.png", "accuracy.png", "ece.png", "learning_rate.png");

    private TrainingPlots() {
    }

    /**
     * Writes {@link #FILES} into {@code dir}, without an exported-epoch marker.
     *
     * @param history one record per epoch, in order
     * @param dir the output folder
     */
    public static void write(List<EpochRecord> history, Path dir) {
        write(history, 0, dir);
    }

    /**
     * Writes {@link #FILES} into {@code dir}, marking {@code exportedEpoch} on the metric plots.
     *
     * @param history one record per epoch, in order
     * @param exportedEpoch the 1-based epoch whose weights were exported, or 0 for no marker
     * @param dir the output folder
     */
    public static void write(List<EpochRecord> history, int exportedEpoch, Path dir) {
        System.setProperty("java.awt.headless", "true");
        double[] epochs = series(history, EpochRecord::epoch);
        EpochRecord best = history.stream().filter(r -> r.epoch() == exportedEpoch).findFirst().orElse(null);
        plot(dir.resolve("loss.png"), "Label-smoothed loss", "loss", epochs,
                series(history, EpochRecord::trainLoss), series(history, EpochRecord::valLoss),
                best == null ? null : new double[] {best.epoch(), best.valLoss()});
        plot(dir.resolve("accuracy.png"), "Accuracy", "accuracy", epochs,
                series(history, EpochRecord::trainAccuracy), series(history, EpochRecord::valAccuracy),
                best == null ? null : new double[] {best.epoch(), best.valAccuracy()});
        plot(dir.resolve("ece.png"), "Expected calibration error (15 bins)", "ECE", epochs, null,
                series(history, EpochRecord::valEce), best == null ? null : new double[] {best.epoch(), best.valEce()});
        XYChart lr = chart("Learning rate (last step of each epoch)", "learning rate");
        lr.addSeries("learning rate", epochs, series(history, EpochRecord::learningRate)).setMarker(SeriesMarkers.CIRCLE);
        render(dir.resolve("learning_rate.png"), lr);
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(720).height(420).title(title).xAxisTitle("epoch")
                .yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return chart;
    }

    private static void render(Path file, XYChart chart) {
        try {
            AtomicFiles.writeBytes(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new SmoothcalException("could not render " + file + ": " + e.getMessage(), e);
        }
    }

    private static void plot(Path file, String title, String yTitle, double[] x, double[] train, double[] val,
            double[] exported) {
        XYChart chart = new XYChartBuilder().width(720).height(420).title(title).xAxisTitle("epoch")
                .yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        if (train != null) {
            chart.addSeries("training", x, train).setMarker(SeriesMarkers.CIRCLE);
        }
        chart.addSeries("validation", x, val).setMarker(SeriesMarkers.DIAMOND);
        if (exported != null) {
            var marker = chart.addSeries("exported epoch " + (int) exported[0], new double[] {exported[0]},
                    new double[] {exported[1]});
            marker.setMarker(SeriesMarkers.SQUARE);
            marker.setMarkerColor(java.awt.Color.RED);
        }
        render(file, chart);
    }

    private static double[] series(List<EpochRecord> history, ToDoubleFunction<EpochRecord> f) {
        return history.stream().mapToDouble(f).toArray();
    }
}
