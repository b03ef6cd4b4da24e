package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.gate.Gate;
import dev.smoothcal.evaluator.gate.Rule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --require} and {@code --baseline} of {@code evaluate} and {@code compare}. */
final class GateOptions {
    @Option(names = "--require", paramLabel = "RULE",
            description = "A rule the report must meet, such as 'accuracy>=0.95', 'ece<=0.05', 'accuracy.lower>=0.93' "
                    + "or 'ece<=baseline.ece+0.005'; repeatable. Exit code 1 when any rule fails.")
    List<String> rules = new ArrayList<>();

    @Option(names = "--baseline", paramLabel = "REPORT.json",
            description = "An earlier report.json that baseline.METRIC bounds refer to.")
    Path baseline;

    /** The gate, checked before any model runs: malformed rules, unknown metrics, missing baseline or bootstrap. */
    Gate gate(int bootstrapReplicates, boolean temperature) {
        Gate gate = Gate.of(rules);
        // In the command line's own terms first; the library's check below stays the last word.
        for (Rule r : gate.rules()) {
            String needed = switch (r.metric().needs()) {
                case NOTHING -> null;
                case BOOTSTRAP -> bootstrapReplicates > 0 ? null
                        : "bootstrap intervals: expected --bootstrap N above 0, found --bootstrap 0";
                case TEMPERATURE -> temperature ? null
                        : "a calibration fit: expected --calibrate-on SPLIT or --calibrate-data PATH, found neither";
            };
            if (needed != null) {
                throw new SmoothcalException("--require '" + r + "' needs " + r.metric().id() + ", which takes "
                        + needed);
            }
        }
        if (baseline != null) {
            gate = gate.withBaseline(baseline);
        }
        gate.requireAvailable(bootstrapReplicates, temperature);
        return gate;
    }

    boolean any() {
        return !rules.isEmpty();
    }
}
