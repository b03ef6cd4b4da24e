package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.core.metrics.ReliabilityBin;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Reliability diagrams and confidence histograms drawn with XChart, written as PNG and SVG. AWT runs
 * headless ({@code java.awt.headless=true} is set before the first chart unless the caller already chose).
 *
 * <p>Bars are drawn as step outlines over the bins' real edges, so a bar covers exactly its bin
 * {@code (lower, upper]}.
 */
public final class Charts {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final int WIDTH = 640;
    private static final int HEIGHT = 560;
    private static final Color ACCURACY = new Color(0x1f, 0x5f, 0xa8);
    private static final Color GAP = new Color(0xd6, 0x27, 0x28, 110);
    private static final Color GAP_LINE = new Color(0xb0, 0x1c, 0x1c);
    private static final Color[] PALETTE = {new Color(0x1f, 0x5f, 0xa8), new Color(0xe0, 0x7b, 0x00),
            new Color(0x2c, 0x8c, 0x3c), new Color(0x8e, 0x3c, 0xa8), new Color(0xb0, 0x1c, 0x1c),
            new Color(0x4d, 0x4d, 0x4d)};

    private Charts() {
    }

    /**
     * Reliability diagram: a bar per non-empty bin at its accuracy, the mean confidence shaded above or
     * outlined below it (the gap), the diagonal of perfect calibration, and each bin's count over its bar.
     *
     * @param bins the equal-width bins, empty ones included
     * @param title the chart title
     * @return the chart
     */
    public static XYChart reliability(List<ReliabilityBin> bins, String title) {
        XYChart chart = frame(title, "confidence (top label)", "accuracy");
        chart.getStyler().setYAxisMax(1.08);
        XYSeries confidence = chart.addSeries("mean confidence (gap shaded)", steps(bins, true, false)[0],
                steps(bins, true, false)[1]);
        confidence.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        confidence.setFillColor(GAP);
        confidence.setLineColor(GAP_LINE);
        XYSeries accuracy = chart.addSeries("accuracy", steps(bins, false, false)[0], steps(bins, false, false)[1]);
        accuracy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        accuracy.setFillColor(new Color(ACCURACY.getRed(), ACCURACY.getGreen(), ACCURACY.getBlue(), 200));
        accuracy.setLineColor(ACCURACY);
        XYSeries outline = chart.addSeries("confidence outline", steps(bins, true, true)[0], steps(bins, true, true)[1]);
        outline.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        outline.setLineColor(GAP_LINE);
        outline.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 3f}, 0f));
        outline.setShowInLegend(false);
        diagonal(chart);
        for (ReliabilityBin b : bins) {
            if (b.count() > 0) {
                double top = Math.max(b.accuracy(), b.meanConfidence());
                chart.addAnnotation(new AnnotationText(Long.toString(b.count()), (b.lower() + b.upper()) / 2,
                        Math.min(top + 0.035, 1.05), false));
            }
        }
        return chart;
    }

    /**
     * Several models' reliability curves (step outlines of accuracy per bin) over one diagonal.
     *
     * @param labels one legend name per model
     * @param bins each model's equal-width bins, in the order of {@code labels}
     * @param title the chart title
     * @return the chart
     */
    public static XYChart reliabilityOverlay(List<String> labels, List<List<ReliabilityBin>> bins, String title) {
        if (labels.size() != bins.size()) {
            throw new SmoothcalException("expected one label per model, found " + labels.size() + " labels for "
                    + bins.size() + " models");
        }
        XYChart chart = frame(title, "confidence (top label)", "accuracy");
        for (int m = 0; m < labels.size(); m++) {
            double[][] xy = steps(bins.get(m), false, true);
            XYSeries s = chart.addSeries(labels.get(m), xy[0], xy[1]);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setLineColor(PALETTE[m % PALETTE.length]);
            s.setLineWidth(2.2f);
        }
        diagonal(chart);
        return chart;
    }

    /**
     * Histogram of the top-label confidence over the bins (share of samples per bin), with vertical lines
     * at the accuracy and the mean confidence.
     *
     * @param bins the equal-width bins, empty ones included
     * @param accuracy the accuracy, drawn as a vertical line
     * @param title the chart title
     * @return the chart
     */
    public static XYChart confidenceHistogram(List<ReliabilityBin> bins, double accuracy, String title) {
        long total = bins.stream().mapToLong(ReliabilityBin::count).sum();
        double meanConfidence = bins.stream().filter(b -> b.count() > 0)
                .mapToDouble(b -> b.meanConfidence() * b.count()).sum() / Math.max(total, 1);
        XYChart chart = frame(title, "confidence (top label)", "share of samples");
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        double max = 0;
        for (ReliabilityBin b : bins) {
            double share = total == 0 ? 0 : (double) b.count() / total;
            max = Math.max(max, share);
            xs.addAll(List.of(b.lower(), b.lower(), b.upper(), b.upper()));
            ys.addAll(List.of(0.0, share, share, 0.0));
        }
        double yMax = Math.min(1.0, max * 1.15 + 0.02);
        chart.getStyler().setYAxisMax(yMax);
        XYSeries hist = chart.addSeries("samples per bin", xs, ys);
        hist.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        hist.setFillColor(new Color(ACCURACY.getRed(), ACCURACY.getGreen(), ACCURACY.getBlue(), 170));
        hist.setLineColor(ACCURACY);
        vertical(chart, String.format(Locale.ROOT, "accuracy %.3f", accuracy), accuracy, yMax, Color.BLACK);
        vertical(chart, String.format(Locale.ROOT, "mean confidence %.3f", meanConfidence), meanConfidence, yMax,
                GAP_LINE);
        for (ReliabilityBin b : bins) {
            if (b.count() > 0) {
                chart.addAnnotation(new AnnotationText(Long.toString(b.count()), (b.lower() + b.upper()) / 2,
                        Math.min((double) b.count() / total + yMax * 0.03, yMax * 0.97), false));
            }
        }
        return chart;
    }

    /**
     * Writes {@code dir/baseName.png} and {@code dir/baseName.svg}, each atomically.
     *
     * @param chart the chart
     * @param dir the folder to write into
     * @param baseName the file name without extension
     * @return the SVG text written, for a page that inlines it (drawing a chart takes far longer than
     *     keeping its text)
     */
    public static String writePngAndSvg(XYChart chart, Path dir, String baseName) {
        AtomicFiles.write(dir.resolve(baseName + ".png"), out -> BitmapEncoder.saveBitmap(chart, out,
                BitmapEncoder.BitmapFormat.PNG));
        String svg = svg(chart);
        AtomicFiles.writeString(dir.resolve(baseName + ".svg"), svg);
        return svg;
    }


    /**
     * The chart as an SVG document (UTF-8 text).
     *
     * @param chart the chart
     * @return the SVG text
     */
    public static String svg(XYChart chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new SmoothcalException("could not draw chart '" + chart.getTitle() + "' as SVG: " + e.getMessage(), e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static XYChart frame(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        Styler s = chart.getStyler();
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0);
        s.setLegendPosition(Styler.LegendPosition.InsideNW);
        s.setChartBackgroundColor(Color.WHITE);
        s.setMarkerSize(0);
        s.setAntiAlias(true);
        chart.getStyler().setYAxisDecimalPattern("0.00").setXAxisDecimalPattern("0.0");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        tickGuide(chart);
        return chart;
    }

    /**
     * XChart puts the x ticks at the data's own x values when there are few of them; with the bin edges of
     * 15 bins that gave ticks at k/15 labelled with one decimal ("0.9" at 0.933, none at 1). An invisible
     * series at every hundredth makes it fall back to evenly spaced ticks at tenths.
     */
    private static void tickGuide(XYChart chart) {
        double[] xs = new double[101];
        double[] ys = new double[101];
        for (int i = 0; i <= 100; i++) {
            xs[i] = i / 100.0;
        }
        XYSeries guide = chart.addSeries(" ", xs, ys);
        guide.setLineColor(new Color(0, 0, 0, 0));
        guide.setMarker(SeriesMarkers.NONE);
        guide.setShowInLegend(false);
    }

    private static void diagonal(XYChart chart) {
        XYSeries d = chart.addSeries("perfect calibration", new double[] {0, 1}, new double[] {0, 1});
        d.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        d.setLineColor(Color.DARK_GRAY);
        d.setMarker(SeriesMarkers.NONE);
        d.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    }

    private static void vertical(XYChart chart, String name, double x, double yMax, Color color) {
        XYSeries v = chart.addSeries(name, new double[] {x, x}, new double[] {0, yMax});
        v.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        v.setLineColor(color);
        v.setMarker(SeriesMarkers.NONE);
        v.setLineWidth(2f);
    }

    /**
     * Step outline of the bins: {@code [x, y]} with x the bin edges (each twice) and y the bin's mean
     * confidence or accuracy; empty bins stay at 0, or are skipped (a gap in the line) when {@code lineOnly}.
     */
    private static double[][] steps(List<ReliabilityBin> bins, boolean confidence, boolean lineOnly) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (ReliabilityBin b : bins) {
            Double v = confidence ? b.meanConfidence() : b.accuracy();
            if (v == null) {
                if (!lineOnly) {
                    xs.addAll(List.of(b.lower(), b.upper()));
                    ys.addAll(List.of(0.0, 0.0));
                }
                continue;
            }
            if (lineOnly) {
                xs.addAll(List.of(b.lower(), b.upper()));
                ys.addAll(List.of(v, v));
            } else {
                xs.addAll(List.of(b.lower(), b.lower(), b.upper(), b.upper()));
                ys.addAll(List.of(0.0, v, v, 0.0));
            }
        }
        if (xs.isEmpty()) {
            xs.add(0.0);
            ys.add(0.0);
        }
        return new double[][] {xs.stream().mapToDouble(Double::doubleValue).toArray(),
                ys.stream().mapToDouble(Double::doubleValue).toArray()};
    }
}
