package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.SmoothcalException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A chart as a list of primitives (rectangles, lines, text) in SVG user units, written either as SVG
 * with real {@code <text>} elements (selectable, a few kB) or painted into a PNG with Java2D at a scale,
 * so the SVG and PNG files of one chart come from the same geometry. AWT runs headless
 * ({@code java.awt.headless=true} is set before the first PNG unless the caller already chose).
 */
final class Drawing {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Where a text's x coordinate sits on the text. */
    enum Anchor {
        START, MIDDLE, END
    }

    /** One primitive; {@link #paint} dispatches it to each encoder. */
    sealed interface Item permits Rect, Line, Text {
        void paint(Painter painter);
    }

    /** The encoders: each handles every kind of item, which the compiler checks. */
    interface Painter {
        void rect(Rect r);

        void line(Line l);

        void text(Text t);
    }

    /**
     * A rectangle; {@code fill} {@code "none"} for an outline only, {@code stroke} null for none;
     * {@code tooltip} (SVG only) null for none.
     */
    record Rect(double x, double y, double width, double height, String fill, double fillOpacity, String stroke,
            String tooltip) implements Item {
        @Override
        public void paint(Painter painter) {
            painter.rect(this);
        }
    }

    /** A line; {@code dash} e.g. {@code "4 3"}, or null for solid. */
    record Line(double x1, double y1, double x2, double y2, String stroke, double width, String dash)
            implements Item {
        @Override
        public void paint(Painter painter) {
            painter.line(this);
        }
    }

    /** A line of text at its baseline; {@code vertical} rotates it by -90 degrees about (x, y). */
    record Text(double x, double y, String text, double size, Anchor anchor, boolean vertical) implements Item {
        @Override
        public void paint(Painter painter) {
            painter.text(this);
        }
    }

    private static final double DEFAULT_FONT_SIZE = 10;

    private final int width;
    private final int height;
    private final String title;
    private final List<Item> items = new ArrayList<>();

    /**
     * @param title the chart's accessible name (SVG {@code <title>})
     */
    Drawing(int width, int height, String title) {
        this.width = width;
        this.height = height;
        this.title = title;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    List<Item> items() {
        return List.copyOf(items);
    }

    Drawing add(Item item) {
        items.add(item);
        return this;
    }

    Drawing rect(double x, double y, double w, double h, String fill, double opacity, String stroke, String tooltip) {
        return add(new Rect(x, y, w, h, fill, opacity, stroke, tooltip));
    }

    Drawing line(double x1, double y1, double x2, double y2, String stroke, double lineWidth, String dash) {
        return add(new Line(x1, y1, x2, y2, stroke, lineWidth, dash));
    }

    Drawing text(double x, double y, String text, Anchor anchor) {
        return add(new Text(x, y, text, DEFAULT_FONT_SIZE, anchor, false));
    }

    Drawing text(double x, double y, String text, double size, Anchor anchor, boolean vertical) {
        return add(new Text(x, y, text, size, anchor, vertical));
    }

    /** The drawing as an SVG document (UTF-8 text, with its XML declaration). */
    String svg() {
        StringBuilder s = new StringBuilder(8192);
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"%s\">", width, height, width, height,
                number(DEFAULT_FONT_SIZE)));
        s.append("<title>").append(HtmlReport.escape(title)).append("</title>");
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", width, height));
        Painter svg = new Painter() {
            @Override
            public void rect(Rect r) {
                s.append(String.format(Locale.ROOT, "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"%s\"",
                        number(r.x()), number(r.y()), number(r.width()), number(r.height()), r.fill()));
                if (r.fillOpacity() < 1) {
                    s.append(" fill-opacity=\"").append(r.fillOpacity()).append('"');
                }
                if (r.stroke() != null) {
                    s.append(" stroke=\"").append(r.stroke()).append('"');
                }
                if (r.tooltip() == null) {
                    s.append("/>");
                } else {
                    s.append("><title>").append(HtmlReport.escape(r.tooltip())).append("</title></rect>");
                }
            }

            @Override
            public void line(Line l) {
                s.append(String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\"",
                        number(l.x1()), number(l.y1()), number(l.x2()), number(l.y2()), l.stroke()));
                if (l.width() != 1) {
                    s.append(" stroke-width=\"").append(number(l.width())).append('"');
                }
                if (l.dash() != null) {
                    s.append(" stroke-dasharray=\"").append(l.dash()).append('"');
                }
                s.append("/>");
            }

            @Override
            public void text(Text t) {
                s.append(t.vertical()
                        ? String.format(Locale.ROOT, "<text transform=\"translate(%s %s) rotate(-90)\"", number(t.x()),
                                number(t.y()))
                        : String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\"", number(t.x()), number(t.y())));
                if (t.anchor() != Anchor.START) {
                    s.append(" text-anchor=\"").append(t.anchor().name().toLowerCase(Locale.ROOT)).append('"');
                }
                if (t.size() != DEFAULT_FONT_SIZE) {
                    s.append(" font-size=\"").append(number(t.size())).append('"');
                }
                s.append('>').append(HtmlReport.escape(t.text())).append("</text>");
            }
        };
        items.forEach(i -> i.paint(svg));
        return s.append("</svg>\n").toString();
    }

    /**
     * Paints the drawing into a PNG of {@code scale} pixels per user unit.
     *
     * @throws IOException when {@code out} fails
     */
    void writePng(OutputStream out, int scale) throws IOException {
        BufferedImage image = new BufferedImage(width * scale, height * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.scale(scale, scale);
            Painter png = new Painter() {
                @Override
                public void rect(Rect r) {
                    Rectangle2D shape = new Rectangle2D.Double(r.x(), r.y(), r.width(), r.height());
                    if (!"none".equals(r.fill())) {
                        g.setColor(color(r.fill(), r.fillOpacity()));
                        g.fill(shape);
                    }
                    if (r.stroke() != null) {
                        g.setColor(color(r.stroke(), 1));
                        g.setStroke(new BasicStroke(1f));
                        g.draw(shape);
                    }
                }

                @Override
                public void line(Line l) {
                    g.setColor(color(l.stroke(), 1));
                    g.setStroke(l.dash() == null ? new BasicStroke((float) l.width())
                            : new BasicStroke((float) l.width(), BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                                    dashes(l.dash()), 0f));
                    g.draw(new Line2D.Double(l.x1(), l.y1(), l.x2(), l.y2()));
                }

                @Override
                public void text(Text t) {
                    g.setColor(Color.BLACK);
                    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 1).deriveFont((float) t.size()));
                    FontMetrics metrics = g.getFontMetrics();
                    double w = metrics.getStringBounds(t.text(), g).getWidth();
                    double shift = switch (t.anchor()) {
                        case START -> 0;
                        case MIDDLE -> -w / 2;
                        case END -> -w;
                    };
                    AffineTransform saved = g.getTransform();
                    g.translate(t.x(), t.y());
                    if (t.vertical()) {
                        g.rotate(-Math.PI / 2);
                    }
                    g.drawString(t.text(), (float) shift, 0f);
                    g.setTransform(saved);
                }
            };
            items.forEach(i -> i.paint(png));
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", out)) {
            throw SmoothcalException.defect("no PNG writer in this JVM");
        }
    }

    private static Color color(String hex, double opacity) {
        if (hex.length() != 7 || hex.charAt(0) != '#') {
            throw SmoothcalException.defect("colours are #rrggbb, found " + hex);
        }
        int rgb = Integer.parseInt(hex.substring(1), 16);
        return new Color((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, (int) Math.round(opacity * 255));
    }

    private static float[] dashes(String dash) {
        String[] parts = dash.trim().split("\\s+");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i]);
        }
        return out;
    }

    /** A coordinate with at most one decimal, without a trailing ".0". */
    private static String number(double v) {
        double rounded = Math.round(v * 10) / 10.0;
        return rounded == Math.rint(rounded) ? Long.toString((long) rounded) : String.format(Locale.ROOT, "%.1f", rounded);
    }
}
