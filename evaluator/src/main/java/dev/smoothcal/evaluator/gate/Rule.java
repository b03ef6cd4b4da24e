package dev.smoothcal.evaluator.gate;

import dev.smoothcal.core.SmoothcalException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One quality rule: a metric, a comparison and a bound, written {@code METRIC OP BOUND} with
 * {@code OP} one of {@code <=}, {@code <}, {@code >=}, {@code >} and {@code BOUND} a finite number or
 * {@code baseline.METRIC} optionally followed by {@code + NUMBER} or {@code - NUMBER}. Spaces are
 * optional: {@code ece<=0.05}, {@code accuracy.lower >= 0.93}, {@code ece <= baseline.ece + 0.005}.
 *
 * @param metric the metric bounded
 * @param comparison the relation asked
 * @param bound the bound: a constant or a baseline metric with an offset
 */
public record Rule(Metric metric, Comparison comparison, Bound bound) {
    /** The parameter that names rules in errors. */
    public static final String PARAMETER = "rules";

    private static final Pattern RULE = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(<=|>=|<|>)\\s*(.*?)\\s*");
    private static final Pattern BASELINE = Pattern.compile(
            "baseline\\.([A-Za-z_][A-Za-z0-9_.]*)\\s*(?:([+-])\\s*([0-9.eE+-]+))?");

    /**
     * Checks that every part is given.
     *
     * @param metric the metric bounded
     * @param comparison the relation asked
     * @param bound the bound: a constant or a baseline metric with an offset
     */
    public Rule {
        if (metric == null || comparison == null || bound == null) {
            throw SmoothcalException.defect("a rule needs a metric, a comparison and a bound");
        }
    }

    /** What a rule's value is compared with. */
    public sealed interface Bound {
        /**
         * A fixed number.
         *
         * @param value the bound, finite
         */
        record Constant(double value) implements Bound {
        }

        /**
         * A metric of a baseline report plus an offset: {@code baseline.ece + 0.005}.
         *
         * @param metric the baseline's metric
         * @param offset added to the baseline's value (negative to subtract)
         */
        record Baseline(Metric metric, double offset) implements Bound {
        }
    }

    /**
     * Parses one rule.
     *
     * @param text the rule as written
     * @return the rule
     * @throws SmoothcalException (bad input, parameter {@value #PARAMETER}) naming the rule and what is wrong
     */
    public static Rule parse(String text) {
        if (text == null || text.isBlank()) {
            throw SmoothcalException.invalid(PARAMETER, "must be rules like 'ece<=0.05', found an empty rule");
        }
        Matcher m = RULE.matcher(text);
        if (!m.matches() || m.group(3).isEmpty()) {
            throw SmoothcalException.invalid(PARAMETER, "rule '" + text + "' is malformed; expected METRIC OP BOUND "
                    + "with OP one of <=, <, >=, > and BOUND a number or baseline.METRIC [+|- NUMBER], "
                    + "for example 'ece<=0.05'");
        }
        Metric metric = Metric.parse(m.group(1), PARAMETER, text);
        Comparison comparison = Comparison.ofSymbol(m.group(2));
        String boundText = m.group(3);
        Matcher b = BASELINE.matcher(boundText);
        if (b.matches()) {
            Metric base = Metric.parse(b.group(1), PARAMETER, text);
            double offset = b.group(2) == null ? 0.0 : number(b.group(3), text) * (b.group(2).equals("-") ? -1 : 1);
            return new Rule(metric, comparison, new Bound.Baseline(base, offset));
        }
        return new Rule(metric, comparison, new Bound.Constant(number(boundText, text)));
    }

    private static double number(String s, String rule) {
        try {
            double v = Double.parseDouble(s);
            if (Double.isFinite(v) && !s.endsWith("d") && !s.endsWith("f") && !s.endsWith("D") && !s.endsWith("F")) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw SmoothcalException.invalid(PARAMETER, "rule '" + rule + "' has bound '" + s + "'; expected a finite "
                + "number or baseline.METRIC [+|- NUMBER]");
    }

    /**
     * Whether checking this rule needs a baseline report.
     *
     * @return true for a {@link Bound.Baseline} bound
     */
    public boolean needsBaseline() {
        return bound instanceof Bound.Baseline;
    }

    /** The rule in its canonical spelling, for example {@code ece <= baseline.ece + 0.005}. */
    @Override
    public String toString() {
        String b;
        if (bound instanceof Bound.Baseline base) {
            b = "baseline." + base.metric().id() + (base.offset() == 0.0 ? ""
                    : (base.offset() > 0 ? " + " : " - ") + format(Math.abs(base.offset())));
        } else {
            b = format(((Bound.Constant) bound).value());
        }
        return metric.id() + " " + comparison.symbol() + " " + b;
    }

    private static String format(double v) {
        String s = String.format(Locale.ROOT, "%.10g", v);
        if (s.contains("e") || s.contains("E")) {
            return Double.toString(v);
        }
        s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
        return s;
    }
}
