package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.metrics.ReliabilityBin;
import dev.smoothcal.evaluator.gate.GateResult;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The content of {@code compare.json}: several models evaluated on the same data, side by side.
 *
 * @param format always {@link #FORMAT}
 * @param data the data every model was evaluated on
 * @param models one entry per model, in the order given
 */
public record Comparison(String format, EvaluationReport.DataInfo data, List<Entry> models) {
    /** The {@code format} value of this version of {@code compare.json}. */
    public static final String FORMAT = "smoothcal-compare/1";

    /**
     * Copies the entries and checks their labels.
     *
     * @param format always {@link #FORMAT}
     * @param data the data every model was evaluated on
     * @param models one entry per model, in the order given
     * @throws SmoothcalException if two entries share a label
     */
    public Comparison {
        models = List.copyOf(models);
        Set<String> labels = new HashSet<>();
        for (Entry e : models) {
            if (!labels.add(e.label())) {
                throw SmoothcalException.invalid("labels", "values must be distinct, found '" + e.label() + "' twice");
            }
        }
    }

    /**
     * One model's headline numbers (definitions as in {@code report.json}).
     *
     * @param label the name shown in tables and the legend
     * @param path the model as given
     * @param outputKind logits or probabilities
     * @param accuracy top-1 accuracy
     * @param nll negative log-likelihood
     * @param brier Brier score
     * @param ece equal-width top-label ECE
     * @param mce maximum calibration error
     * @param eceEqualMass equal-mass top-label ECE
     * @param classwiseEce mean per-class ECE
     * @param bins its equal-width reliability bins
     * @param gate the quality rules checked against its report, or null when none were given
     */
    public record Entry(String label, String path, String outputKind, double accuracy, double nll, double brier,
            double ece, double mce, double eceEqualMass, double classwiseEce, List<ReliabilityBin> bins,
            GateResult gate) {
        /**
         * Copies the bins.
         *
         * @param label the name shown in tables and the legend
         * @param path the model as given
         * @param outputKind logits or probabilities
         * @param accuracy top-1 accuracy
         * @param nll negative log-likelihood
         * @param brier Brier score
         * @param ece equal-width top-label ECE
         * @param mce maximum calibration error
         * @param eceEqualMass equal-mass top-label ECE
         * @param classwiseEce mean per-class ECE
         * @param bins its equal-width reliability bins
         * @param gate the quality rules checked against its report, or null
         */
        public Entry {
            bins = List.copyOf(bins);
        }

        /**
         * The entry of one evaluation.
         *
         * @param label the name shown in tables and the legend
         * @param r the evaluation's report
         * @return the entry
         */
        public static Entry of(String label, EvaluationReport r) {
            return new Entry(label, r.model().path(), r.model().outputKind(), r.accuracy(), r.nll(), r.brier(), r.ece(),
                    r.mce(), r.eceEqualMass(), r.classwiseEce(), r.bins(), r.gate());
        }
    }

    /**
     * Builds the comparison; every report must come from the same data (same fingerprint).
     *
     * @param labels one distinct name per model
     * @param reports one report per model, in the order of {@code labels}
     * @return the comparison
     */
    public static Comparison of(List<String> labels, List<EvaluationReport> reports) {
        if (labels.size() != reports.size() || reports.isEmpty()) {
            throw new SmoothcalException("expected one label per model and at least one model, found " + labels.size()
                    + " labels for " + reports.size() + " models");
        }
        EvaluationReport.DataInfo data = reports.get(0).data();
        for (EvaluationReport r : reports) {
            if (!r.data().fingerprint().equals(data.fingerprint())) {
                throw new SmoothcalException("compare expects every model evaluated on the same data, found "
                        + data.name() + " and " + r.data().name());
            }
        }
        return new Comparison(FORMAT, data, IntStream.range(0, labels.size())
                .mapToObj(i -> Entry.of(labels.get(i), reports.get(i))).toList());
    }
}
