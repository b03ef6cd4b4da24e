package dev.smoothcal.evaluator.gate;

/**
 * One rule checked: what it asked, what was found and whether it holds. This is what the {@code gate}
 * section of {@code report.json} lists.
 *
 * @param rule the rule in its canonical spelling
 * @param metric the metric's name
 * @param value the metric's value in the report
 * @param bound the bound it was compared with (a baseline bound resolved to a number)
 * @param passed whether {@code value OP bound} holds
 */
public record Verdict(String rule, String metric, double value, double bound, boolean passed) {
}
