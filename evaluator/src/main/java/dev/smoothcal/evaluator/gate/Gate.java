package dev.smoothcal.evaluator.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A set of rules that a report must satisfy, with the baseline report that relative rules refer to.
 * Made with {@link #of(List)} (rules checked as they are parsed, before any model runs) and
 * {@link #withBaseline(Path)}; {@link #check} gives a {@link GateResult}.
 *
 * <pre>{@code
 * Gate gate = Gate.of(List.of("accuracy >= 0.95", "ece <= baseline.ece + 0.005"))
 *         .withBaseline(Path.of("old/report.json"));
 * gate.requireAvailable(200, false);          // bootstrap rules need replicates
 * GateResult result = gate.check(report);
 * }</pre>
 */
public final class Gate {
    private final List<Rule> rules;
    private final Path baselinePath;
    private final JsonNode baseline;

    private Gate(List<Rule> rules, Path baselinePath, JsonNode baseline) {
        this.rules = List.copyOf(rules);
        this.baselinePath = baselinePath;
        this.baseline = baseline;
    }

    /**
     * A gate of rules as written.
     *
     * @param rules rules such as {@code "ece<=0.05"} (see {@link Rule#parse})
     * @return the gate; one that needs a baseline must get it with {@link #withBaseline(Path)} before use
     * @throws SmoothcalException for a malformed rule or an unknown metric
     */
    public static Gate of(List<String> rules) {
        List<Rule> parsed = new ArrayList<>();
        for (String r : rules) {
            parsed.add(Rule.parse(r));
        }
        return new Gate(parsed, null, null);
    }

    /**
     * This gate with relative rules measured against {@code report}.
     *
     * @param report an earlier {@code report.json}
     * @return the gate, every rule now checkable
     * @throws SmoothcalException when the file cannot be read as a report, or lacks a metric a rule names
     */
    public Gate withBaseline(Path report) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(Files.readAllBytes(report));
        } catch (java.nio.file.NoSuchFileException e) {
            throw SmoothcalException.invalid("baseline", "must be a readable report.json, found nothing at " + report, e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw SmoothcalException.invalid("baseline", "must be a readable report.json, found invalid JSON in " + report
                    + " (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw SmoothcalException.invalid("baseline", "must be a readable report.json, found " + report + " ("
                    + dev.smoothcal.core.io.AtomicFiles.describe(e) + ")", e);
        }
        JsonNode format = json == null ? null : json.get("format");
        if (format == null || !format.asText().startsWith("smoothcal-report/")) {
            throw SmoothcalException.invalid("baseline", "must be a smoothcal report.json (format smoothcal-report/N), "
                    + "found " + (format == null ? "no format key" : "format " + format.asText()) + " in " + report);
        }
        for (Rule r : rules) {
            if (r.bound() instanceof Rule.Bound.Baseline b && b.metric().valueIn(json).isEmpty()) {
                throw SmoothcalException.invalid("baseline", report + " has no " + b.metric().id() + " for rule '" + r
                        + "'" + hint(b.metric()));
            }
        }
        return new Gate(rules, report, json);
    }

    /**
     * The rules, parsed.
     *
     * @return the rules in order
     */
    public List<Rule> rules() {
        return rules;
    }

    /**
     * Checks, before any model runs, that an evaluation configured so will have every metric the rules name.
     *
     * @param bootstrapReplicates the replicates the evaluation will draw
     * @param temperature whether it will fit a temperature
     * @throws SmoothcalException naming the first rule whose metric will be missing and what it needs
     */
    public void requireAvailable(int bootstrapReplicates, boolean temperature) {
        requireBaselineIfNeeded();
        for (Rule r : rules) {
            boolean missing = switch (r.metric().needs()) {
                case NOTHING -> false;
                case BOOTSTRAP -> bootstrapReplicates == 0;
                case TEMPERATURE -> !temperature;
            };
            if (missing) {
                throw SmoothcalException.invalid(Rule.PARAMETER, "rule '" + r + "' needs " + r.metric().id()
                        + ", which this evaluation will not compute" + hint(r.metric()));
            }
        }
    }

    /**
     * Checks every rule against {@code report}.
     *
     * @param report the evaluation result
     * @return one verdict per rule
     */
    public GateResult check(EvaluationReport report) {
        return check(Json.MAPPER.valueToTree(report));
    }

    /**
     * Checks every rule against a report in its JSON form.
     *
     * @param report a {@code report.json} tree
     * @return one verdict per rule
     * @throws SmoothcalException when the report lacks a metric a rule names
     */
    public GateResult check(JsonNode report) {
        requireBaselineIfNeeded();
        List<Verdict> verdicts = new ArrayList<>();
        for (Rule r : rules) {
            double value = r.metric().valueIn(report).orElseThrow(() -> SmoothcalException.invalid(Rule.PARAMETER,
                    "rule '" + r + "' needs " + r.metric().id() + ", which the report does not hold"
                            + hint(r.metric())));
            double bound = r.bound() instanceof Rule.Bound.Baseline b
                    ? b.metric().valueIn(baseline).orElseThrow() + b.offset()
                    : ((Rule.Bound.Constant) r.bound()).value();
            verdicts.add(new Verdict(r.toString(), r.metric().id(), value, bound, r.comparison().holds(value, bound)));
        }
        boolean passed = verdicts.stream().allMatch(Verdict::passed);
        return new GateResult(passed, verdicts, baselinePath == null ? null : baselinePath.toString());
    }

    /**
     * The baseline report, if one was given.
     *
     * @return its JSON tree
     */
    public Optional<JsonNode> baseline() {
        return Optional.ofNullable(baseline);
    }

    private void requireBaselineIfNeeded() {
        if (baseline == null) {
            rules.stream().filter(Rule::needsBaseline).findFirst().ifPresent(first -> {
                throw SmoothcalException.invalid("baseline", "must be a report.json for rule '" + first
                        + "', found none");
            });
        }
    }

    private static String hint(Metric m) {
        return switch (m.needs()) {
            case NOTHING -> "";
            case BOOTSTRAP -> " (bootstrap intervals: evaluate with bootstrapReplicates > 0)";
            case TEMPERATURE -> " (a temperature section: evaluate with a calibration fit)";
        };
    }
}
