package dev.smoothcal.evaluator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.metrics.ReliabilityBin;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The charts: well-formed SVG (javax.xml) with real text, bars at the heights the bins give (recomputed
 * here from the plot's geometry: a 260-unit square whose top is at y = 34), empty bins left empty, gaps
 * both ways, and a PNG of the same drawing.
 */
class DiagramsTest {
    private static final double TOP = 34;
    private static final double PLOT = 260;

    @Test
    void reliabilityBarsHaveTheBinsAccuracyAndGapsBothWays() throws Exception {
        List<ReliabilityBin> bins = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            bins.add(new ReliabilityBin(b / 10.0, (b + 1) / 10.0, 0, null, null, null));
        }
        // Over-confident at 0.85 (accuracy 0.6), under-confident at 0.45 (accuracy 0.7).
        bins.set(8, new ReliabilityBin(0.8, 0.9, 120, 0.85, 0.6, 0.25));
        bins.set(4, new ReliabilityBin(0.4, 0.5, 7, 0.45, 0.7, -0.25));
        String svg = Diagrams.reliability(bins, "a <title> & more").svg();
        Document doc = parse(svg);
        List<Element> rects = elements(doc, "rect");
        // background + frame + 2 bins x (bar + gap) + 3 legend swatches
        assertEquals(1 + 1 + 2 * 2 + 3, rects.size());
        List<Element> bars = rects.stream().filter(r -> "#6b8fc9".equals(r.getAttribute("fill"))
                && r.getElementsByTagName("title").getLength() == 1).toList();
        assertEquals(2, bars.size(), "one bar per non-empty bin");
        // in bin order: (0.4, 0.5] with accuracy 0.7, then (0.8, 0.9] with accuracy 0.6
        assertBar(bars.get(0), 0.4, 0.5, 0.0, 0.7);
        assertBar(bars.get(1), 0.8, 0.9, 0.0, 0.6);
        Element over = rects.stream().filter(r -> "#d9534f".equals(r.getAttribute("fill"))
                && Double.parseDouble(r.getAttribute("width")) > 20).findFirst().orElseThrow();
        assertBar(over, 0.8, 0.9, 0.6, 0.85);
        Element under = rects.stream().filter(r -> "#3a7bd5".equals(r.getAttribute("fill"))
                && Double.parseDouble(r.getAttribute("width")) > 20).findFirst().orElseThrow();
        assertBar(under, 0.4, 0.5, 0.45, 0.7);
        List<String> texts = elements(doc, "text").stream().map(Element::getTextContent).toList();
        assertTrue(texts.contains("120") && texts.contains("7"), "counts as text: " + texts);
        assertTrue(texts.contains("over: confidence > accuracy") && texts.contains("under: confidence < accuracy"));
        assertTrue(texts.contains("a <title> & more"), "escaped title reads back: " + texts);
        assertTrue(texts.containsAll(List.of("0.0", "0.2", "1.0", "confidence", "accuracy")), texts.toString());
        assertEquals(0, doc.getElementsByTagName("path").getLength(), "no glyph outlines");
        assertTrue(svg.length() < 20_000, "a few kB, found " + svg.length());
    }

    @Test
    void histogramAndOverlayAreRealTextToo() throws Exception {
        List<ReliabilityBin> bins = List.of(new ReliabilityBin(0, 0.5, 30, 0.4, 0.5, -0.1),
                new ReliabilityBin(0.5, 1, 10, 0.8, 0.7, 0.1));
        Document histogram = parse(Diagrams.confidenceHistogram(bins, 0.55, "Confidence histogram").svg());
        List<Element> bars = elements(histogram, "rect").stream()
                .filter(r -> r.getElementsByTagName("title").getLength() == 1).toList();
        assertEquals(2, bars.size());
        // shares 0.75 and 0.25 on an axis up to 0.75 * 1.15 + 0.02
        double yMax = 0.75 * 1.15 + 0.02;
        assertEquals(0.75 / yMax * PLOT, Double.parseDouble(bars.get(0).getAttribute("height")), 0.1);
        assertEquals(0.25 / yMax * PLOT, Double.parseDouble(bars.get(1).getAttribute("height")), 0.1);
        List<String> texts = elements(histogram, "text").stream().map(Element::getTextContent).toList();
        assertTrue(texts.containsAll(List.of("30", "10", "accuracy 0.550", "mean confidence 0.500")), texts.toString());

        Document overlay = parse(Diagrams.overlay(List.of("one", "two & three"), List.of(bins, bins), "o").svg());
        List<String> labels = elements(overlay, "text").stream().map(Element::getTextContent).toList();
        assertTrue(labels.containsAll(List.of("one", "two & three")), labels.toString());
    }

    @Test
    void thePngIsTheSameDrawing() throws Exception {
        List<ReliabilityBin> bins = List.of(new ReliabilityBin(0, 0.5, 30, 0.4, 0.5, -0.1),
                new ReliabilityBin(0.5, 1, 10, 0.8, 0.7, 0.1));
        Drawing d = Diagrams.reliability(bins, "t");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        d.writePng(out, Diagrams.PNG_SCALE);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
        assertNotNull(png);
        assertEquals(d.width() * Diagrams.PNG_SCALE, png.getWidth());
        assertEquals(d.height() * Diagrams.PNG_SCALE, png.getHeight());
        // inside the first bar (x in (0, 0.5], accuracy 0.5), below its gap (0.4 to 0.5) and off the diagonal:
        // the bar colour #6b8fc9
        int x = (int) ((48 + 0.15 * PLOT) * Diagrams.PNG_SCALE);
        int y = (int) ((TOP + (1 - 0.25) * PLOT) * Diagrams.PNG_SCALE);
        assertEquals(0x6b8fc9, png.getRGB(x, y) & 0xffffff);
        // above the bar and its gap (value 0.9): white
        assertEquals(0xffffff, png.getRGB(x, (int) ((TOP + 0.1 * PLOT) * Diagrams.PNG_SCALE)) & 0xffffff);
    }

    @Test
    void histogramTicksAreRoundNumbers() {
        // reference: steps of 1, 2, 2.5 or 5 times a power of ten, the smallest giving at most 7 ticks
        assertEquals(0.1, Diagrams.tickStep(0.55), 1e-15);
        assertEquals(0.2, Diagrams.tickStep(1.0), 1e-15);
        assertEquals(0.02, Diagrams.tickStep(0.12), 1e-15);
        assertEquals(0.025, Diagrams.tickStep(0.13), 1e-15);
        assertEquals(0.005, Diagrams.tickStep(0.02), 1e-15);
    }

    /** A bar spanning (lower, upper] on x (inset 1 unit each side) and [from, to] on the value axis. */
    private static void assertBar(Element rect, double lower, double upper, double from, double to) {
        double x = Double.parseDouble(rect.getAttribute("x"));
        double y = Double.parseDouble(rect.getAttribute("y"));
        double w = Double.parseDouble(rect.getAttribute("width"));
        double h = Double.parseDouble(rect.getAttribute("height"));
        assertEquals(48 + lower * PLOT + 1, x, 0.06);
        assertEquals((upper - lower) * PLOT - 2, w, 0.1);
        assertEquals(TOP + (1 - to) * PLOT, y, 0.06, "top of the bar");
        assertEquals((to - from) * PLOT, h, 0.1, "height of the bar");
    }

    private static Document parse(String svg) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        return doc;
    }

    private static List<Element> elements(Document doc, String tag) {
        NodeList nodes = doc.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }
}
