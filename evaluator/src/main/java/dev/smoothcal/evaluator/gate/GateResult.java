package dev.smoothcal.evaluator.gate;

import java.util.List;

/**
 * Every rule of a gate checked against one report, in the order the rules were given.
 *
 * @param passed whether every rule holds (true for no rules)
 * @param verdicts one per rule
 * @param baseline the baseline report's path as given, or null when no rule needed one
 */
public record GateResult(boolean passed, List<Verdict> verdicts, String baseline) {
    /**
     * Copies the verdicts.
     *
     * @param passed whether every rule holds (true for no rules)
     * @param verdicts one per rule
     * @param baseline the baseline report's path as given, or null when no rule needed one
     */
    public GateResult {
        verdicts = List.copyOf(verdicts);
    }

    /**
     * The rules that do not hold.
     *
     * @return the failing verdicts, in order
     */
    public List<Verdict> failures() {
        return verdicts.stream().filter(v -> !v.passed()).toList();
    }
}
