package dev.smoothcal.cli;

import dev.smoothcal.evaluator.gate.Gate;
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
