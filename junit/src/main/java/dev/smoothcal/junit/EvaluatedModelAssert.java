package dev.smoothcal.junit;

import dev.smoothcal.core.metrics.ReliabilityBin;
import dev.smoothcal.evaluator.gate.Gate;
import dev.smoothcal.evaluator.gate.GateResult;
import dev.smoothcal.evaluator.gate.Verdict;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on one evaluation of a model. Each bound is inclusive; a failure message names the metric,
 * its value, the bound, the model and the data, and lists the three bins with the largest calibration gap.
 */
public final class EvaluatedModelAssert extends AbstractAssert<EvaluatedModelAssert, EvaluationReport> {
    private static final int WORST_BINS = 3;
    private final Path model;

    EvaluatedModelAssert(EvaluationReport report, Path model) {
        super(report, EvaluatedModelAssert.class);
        this.model = model;
    }

    /**
     * Checks top-1 accuracy.
     *
     * @param bound the least accuracy accepted, in [0, 1]
     * @return this, for chaining
     */
    public EvaluatedModelAssert hasAccuracyAtLeast(double bound) {
        return atLeast("accuracy", actual.accuracy(), bound);
    }

    /**
     * Checks the equal-width top-label expected calibration error.
     *
     * @param bound the largest ECE accepted
     * @return this, for chaining
     */
    public EvaluatedModelAssert hasExpectedCalibrationErrorAtMost(double bound) {
        return atMost("ECE (" + actual.numBins() + " bins)", actual.ece(), bound);
    }

    /**
     * Checks the maximum calibration error over non-empty bins.
     *
     * @param bound the largest MCE accepted
     * @return this, for chaining
     */
    public EvaluatedModelAssert hasMaximumCalibrationErrorAtMost(double bound) {
        return atMost("MCE (" + actual.numBins() + " bins)", actual.mce(), bound);
    }

    /**
     * Checks the classwise ECE.
     *
     * @param bound the largest classwise ECE accepted
     * @return this, for chaining
     */
    public EvaluatedModelAssert hasClasswiseCalibrationErrorAtMost(double bound) {
        return atMost("classwise ECE", actual.classwiseEce(), bound);
    }

    /**
     * Checks the mean negative log-likelihood.
     *
     * @param bound the largest NLL accepted
     * @return this, for chaining
     */
    public EvaluatedModelAssert hasNegativeLogLikelihoodAtMost(double bound) {
        return atMost("NLL", actual.nll(), bound);
    }

    /**
     * Checks the multi-class Brier score.
     *
     * @param bound the largest Brier score accepted
     * @return this, for chaining
     */
    public EvaluatedModelAssert hasBrierScoreAtMost(double bound) {
        return atMost("Brier score", actual.brier(), bound);
    }

    /**
     * Checks gate rules as the CLI's {@code --require} writes them, for example {@code "ece<=0.05"} or
     * {@code "accuracy.lower>=0.93"}; every failing rule is listed.
     *
     * @param rules rules (see {@link dev.smoothcal.evaluator.gate.Rule#parse})
     * @return this, for chaining
     */
    public EvaluatedModelAssert meetsRules(String... rules) {
        isNotNull();
        GateResult result = Gate.of(Arrays.asList(rules)).check(actual);
        if (!result.passed()) {
            StringBuilder m = new StringBuilder(subject()).append(" to meet every rule, but ")
                    .append(result.failures().size()).append(" of ").append(rules.length).append(" failed:");
            for (Verdict v : result.failures()) {
                m.append(String.format(Locale.ROOT, "%n  %s: found %.4f", v.rule(), v.value()));
            }
            failWithMessage("%s", m.append(worstBins()).toString());
        }
        return this;
    }

    /**
     * The evaluation report, for checks of one's own.
     *
     * @return the report, as report.json would hold it
     */
    public EvaluationReport report() {
        return actual;
    }

    private EvaluatedModelAssert atLeast(String metric, double value, double bound) {
        isNotNull();
        if (!(value >= bound)) {
            failWithMessage("%s", String.format(Locale.ROOT, "%s to have %s at least %.4f, but it was %.4f%s",
                    subject(), metric, bound, value, worstBins()));
        }
        return this;
    }

    private EvaluatedModelAssert atMost(String metric, double value, double bound) {
        isNotNull();
        if (!(value <= bound)) {
            failWithMessage("%s", String.format(Locale.ROOT, "%s to have %s at most %.4f, but it was %.4f%s",
                    subject(), metric, bound, value, worstBins()));
        }
        return this;
    }

    private String subject() {
        return "Expected model " + model + " on " + actual.data().name() + " (" + actual.data().size() + " images)";
    }

    private String worstBins() {
        List<ReliabilityBin> worst = actual.bins().stream().filter(b -> b.count() > 0)
                .sorted(Comparator.comparingDouble((ReliabilityBin b) -> -Math.abs(b.gap()))).limit(WORST_BINS)
                .toList();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "%nworst reliability bins (accuracy %.4f, ECE %.4f, NLL %.4f):", actual.accuracy(), actual.ece(),
                actual.nll()));
        for (ReliabilityBin b : worst) {
            s.append(String.format(Locale.ROOT, "%n  (%.3f, %.3f]  %6d images  confidence %.4f  accuracy %.4f  %s %.4f",
                    b.lower(), b.upper(), b.count(), b.meanConfidence(), b.accuracy(),
                    b.gap() > 0 ? "over-confident by" : "under-confident by", Math.abs(b.gap())));
        }
        return s.toString();
    }
}
