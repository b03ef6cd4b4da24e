package dev.smoothcal.evaluator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.metrics.ReliabilityBin;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The hand-written reliability diagram: well-formed SVG, real text, empty bins left empty, gaps both ways. */
class ReliabilitySvgTest {

    @Test
    void barsOnlyForNonEmptyBinsWithGapsLabelledBothWays() throws Exception {
        List<ReliabilityBin> bins = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            bins.add(new ReliabilityBin(b / 10.0, (b + 1) / 10.0, 0, null, null, null));
        }
        // Over-confident at 0.85 (accuracy 0.6), under-confident at 0.45 (accuracy 0.7).
        bins.set(8, new ReliabilityBin(0.8, 0.9, 120, 0.85, 0.6, 0.25));
        bins.set(4, new ReliabilityBin(0.4, 0.5, 7, 0.45, 0.7, -0.25));
        String svg = ReliabilitySvg.render(bins, "a <title> & more");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        NodeList rects = doc.getElementsByTagName("rect");
        // frame + 2 bins x (bar + gap) + 3 legend swatches
        assertEquals(1 + 2 * 2 + 3, rects.getLength());
        assertTrue(svg.contains("fill=\"#d9534f\"") && svg.contains("fill=\"#3a7bd5\""), "both gap colours");
        List<String> texts = new ArrayList<>();
        NodeList t = doc.getElementsByTagName("text");
        for (int i = 0; i < t.getLength(); i++) {
            texts.add(t.item(i).getTextContent());
        }
        assertTrue(texts.contains("120") && texts.contains("7"), "counts as text: " + texts);
        assertTrue(texts.contains("over: confidence > accuracy") && texts.contains("under: confidence < accuracy"));
        assertTrue(texts.contains("a <title> & more"), "escaped title reads back: " + texts);
        assertTrue(svg.length() < 20_000, "a few kB, found " + svg.length());
    }
}
