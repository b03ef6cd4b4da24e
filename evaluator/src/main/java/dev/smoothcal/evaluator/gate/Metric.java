package dev.smoothcal.evaluator.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.SmoothcalException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A number of {@code report.json} that a rule can bound, by the name rules use for it. Each is read from
 * the report's JSON form, so the current report and a baseline written by an earlier version read alike.
 */
public enum Metric {
    /** Top-1 accuracy ({@code accuracy}). */
    ACCURACY("accuracy", Needs.NOTHING, "accuracy"),
    /** Mean negative log-likelihood ({@code nll}). */
    NLL("nll", Needs.NOTHING, "nll"),
    /** Multi-class Brier score ({@code brier}). */
    BRIER("brier", Needs.NOTHING, "brier"),
    /** Equal-width top-label expected calibration error ({@code ece}). */
    ECE("ece", Needs.NOTHING, "ece"),
    /** Maximum calibration error over non-empty bins ({@code mce}). */
    MCE("mce", Needs.NOTHING, "mce"),
    /** Equal-mass (adaptive) ECE ({@code ece_equal_mass}). */
    ECE_EQUAL_MASS("ece_equal_mass", Needs.NOTHING, "ece_equal_mass"),
    /** Mean per-class ECE ({@code classwise_ece}). */
    CLASSWISE_ECE("classwise_ece", Needs.NOTHING, "classwise_ece"),
    /** Lower end of the 95% bootstrap interval of accuracy. */
    ACCURACY_LOWER("accuracy.lower", Needs.BOOTSTRAP, "bootstrap", "accuracy", "lower"),
    /** Upper end of the 95% bootstrap interval of accuracy. */
    ACCURACY_UPPER("accuracy.upper", Needs.BOOTSTRAP, "bootstrap", "accuracy", "upper"),
    /** Lower end of the 95% bootstrap interval of ECE. */
    ECE_LOWER("ece.lower", Needs.BOOTSTRAP, "bootstrap", "expected_calibration_error", "lower"),
    /** Upper end of the 95% bootstrap interval of ECE. */
    ECE_UPPER("ece.upper", Needs.BOOTSTRAP, "bootstrap", "expected_calibration_error", "upper"),
    /** The fitted temperature T. */
    TEMPERATURE("temperature.t", Needs.TEMPERATURE, "temperature", "t"),
    /** NLL of the evaluated split after temperature scaling. */
    NLL_AFTER_TEMPERATURE("temperature.nll_after", Needs.TEMPERATURE, "temperature", "nll_after"),
    /** ECE of the evaluated split after temperature scaling. */
    ECE_AFTER_TEMPERATURE("temperature.ece_after", Needs.TEMPERATURE, "temperature", "ece_after");

    /** What a report must hold for a metric to have a value. */
    public enum Needs {
        /** Every report has it. */
        NOTHING,
        /** Bootstrap intervals: evaluated with at least one replicate. */
        BOOTSTRAP,
        /** A temperature section: evaluated with a calibration fit. */
        TEMPERATURE
    }

    private final String id;
    private final Needs needs;
    private final String[] path;

    Metric(String id, Needs needs, String... path) {
        this.id = id;
        this.needs = needs;
        this.path = path;
    }

    /**
     * The name rules use, such as {@code ece_equal_mass} or {@code accuracy.lower}.
     *
     * @return the name
     */
    public String id() {
        return id;
    }

    /**
     * What the report must hold for this metric to have a value.
     *
     * @return the section needed
     */
    public Needs needs() {
        return needs;
    }

    /**
     * Whether a larger value is better (accuracy) rather than worse (losses and calibration errors); the
     * temperature itself is neither and reads as "larger is not better".
     *
     * @return true for the accuracy metrics
     */
    public boolean higherIsBetter() {
        return this == ACCURACY || this == ACCURACY_LOWER || this == ACCURACY_UPPER;
    }

    /**
     * The metric's value in {@code report}, the JSON form of {@code report.json}.
     *
     * @param report a report's JSON tree
     * @return the value, or empty when the report lacks the section (no bootstrap, no temperature)
     */
    public OptionalDouble valueIn(JsonNode report) {
        JsonNode node = report;
        for (String key : path) {
            node = node == null ? null : node.get(key);
        }
        return node != null && node.isNumber() ? OptionalDouble.of(node.doubleValue()) : OptionalDouble.empty();
    }

    /**
     * The metric a rule names.
     *
     * @param name a name as {@link #id()} spells it (case-insensitive)
     * @param parameter the parameter to name in an error
     * @return the metric
     * @throws SmoothcalException for an unknown name, listing the known ones
     */
    static Metric parse(String name, String parameter, String rule) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (Metric m : values()) {
            if (m.id.equals(wanted)) {
                return m;
            }
        }
        throw SmoothcalException.invalid(parameter, "rule '" + rule + "' names an unknown metric '" + name
                + "'; expected one of " + ids());
    }

    /**
     * Every metric's name, in declaration order.
     *
     * @return the names
     */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Metric::id).toList();
    }
}
