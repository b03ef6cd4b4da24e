package dev.smoothcal.maven;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.evaluator.gate.Gate;
import dev.smoothcal.evaluator.gate.GateResult;
import dev.smoothcal.evaluator.gate.Verdict;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Gates the build: checks rules against an evaluation's {@code report.json} (and, when present, that
 * {@code parity.json} passed) and fails the build naming every rule that does not hold with its value.
 *
 * <pre>{@code
 * <rules>
 *   <rule>accuracy >= 0.95</rule>
 *   <rule>ece &lt;= 0.05</rule>
 *   <rule>ece &lt;= baseline.ece + 0.005</rule>
 * </rules>
 * <baseline>${project.basedir}/baseline/report.json</baseline>
 * }</pre>
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class CheckMojo extends SmoothcalMojo {
    /** Rules as {@code smoothcal evaluate --require} takes them, for example {@code accuracy >= 0.95}. */
    @Parameter
    List<String> rules = new ArrayList<>();

    /** Rules in typed form: {@code <bound><metric>ece</metric><atMost>0.05</atMost></bound>}. */
    @Parameter
    List<Bound> bounds = new ArrayList<>();

    /** The report the rules are checked against. */
    @Parameter(property = "smoothcal.report",
            defaultValue = "${project.build.directory}/smoothcal/evaluation/report.json")
    File report;

    /** An earlier report that {@code baseline.METRIC} bounds refer to. */
    @Parameter(property = "smoothcal.baseline")
    File baseline;

    /** A parity report that must have passed when it exists (written by the {@code interop} goal). */
    @Parameter(property = "smoothcal.parity", defaultValue = "${project.build.directory}/smoothcal/parity.json")
    File parity;

    /** Skips this goal. */
    @Parameter(property = "smoothcal.check.skip", defaultValue = "false")
    boolean skipCheck;

    @Override
    String goal() {
        return "check";
    }

    @Override
    boolean skipGoal() {
        return skipCheck;
    }

    @Override
    void run() throws MojoFailureException {
        List<String> all = new ArrayList<>(rules);
        for (Bound b : bounds) {
            all.addAll(b.rules());
        }
        Gate gate = Gate.of(all);
        if (baseline != null) {
            gate = gate.withBaseline(resolve(baseline));
        }
        List<String> failures = new ArrayList<>();
        if (!all.isEmpty()) {
            GateResult result = gate.check(read(resolve(report), "report"));
            getLog().info(String.format(Locale.ROOT, "smoothcal: %-40s %12s %12s  %s", "rule", "value", "bound",
                    "verdict"));
            for (Verdict v : result.verdicts()) {
                String line = String.format(Locale.ROOT, "%-40s %12.6f %12.6f  %s", v.rule(), v.value(), v.bound(),
                        v.passed() ? "passed" : "FAILED");
                if (v.passed()) {
                    getLog().info("smoothcal: " + line);
                } else {
                    getLog().error("smoothcal: " + line);
                    failures.add(String.format(Locale.ROOT, "%s (found %.6f)", v.rule(), v.value()));
                }
            }
        }
        Path parityFile = resolve(parity);
        if (Files.isRegularFile(parityFile)) {
            JsonNode p = read(parityFile, "parity");
            boolean passed = p.path("passed").asBoolean(false);
            getLog().info("smoothcal: parity TF vs ONNX " + (passed ? "passed" : "FAILED") + " (" + parityFile + ")");
            if (!passed) {
                failures.add("parity TF vs ONNX failed: " + p.path("failures"));
            }
        } else if (all.isEmpty()) {
            throw SmoothcalException.invalid("rules", "must hold at least one rule (or <bounds>, or a parity report "
                    + "at " + parityFile + "), found none");
        }
        if (!failures.isEmpty()) {
            throw new MojoFailureException("smoothcal check failed: " + String.join("; ", failures));
        }
    }

    private static JsonNode read(Path file, String parameter) {
        try {
            return Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw SmoothcalException.invalid(parameter, "must be a readable JSON file, found " + file + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }
}
