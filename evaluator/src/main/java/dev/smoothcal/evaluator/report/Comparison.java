package dev.smoothcal.evaluator.report;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.metrics.BootstrapReplicates;
import dev.smoothcal.core.metrics.ConfidenceInterval;
import dev.smoothcal.core.metrics.ReliabilityBin;
import dev.smoothcal.evaluator.gate.GateResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The content of {@code compare.json}: several models evaluated on the same data, side by side, with
 * Poisson-bootstrap intervals of each model's metrics and of each model's difference to the first.
 *
 * <p>The intervals are paired: every model is evaluated on the same images (checked by fingerprint) in
 * the same order, and a sample's bootstrap weights depend only on (seed, index, replicate) (see
 * {@link BootstrapReplicates}), so replicate r reweights every model's predictions alike and
 * {@code value_r(model) - value_r(baseline)} is a replicate of the difference. A difference interval
 * that excludes 0 is evidence of a real difference on this data's population, which two overlapping
 * per-model intervals are not evidence against.
 *
 * @param format always {@link #FORMAT}
 * @param data the data every model was evaluated on
 * @param bootstrap how the intervals were drawn, or null when the bootstrap was off (then every
 *     {@code intervals} is null and {@code differences} is empty)
 * @param models one entry per model, in the order given
 * @param differences each model after the first minus the first (the baseline), in the order given
 */
public record Comparison(String format, EvaluationReport.DataInfo data, Bootstrap bootstrap, List<Entry> models,
        List<Difference> differences) {
    /** The {@code format} value of this version of {@code compare.json}. */
    public static final String FORMAT = "smoothcal-compare/2";

    /**
     * Copies the lists and checks the labels.
     *
     * @param format always {@link #FORMAT}
     * @param data the data every model was evaluated on
     * @param bootstrap how the intervals were drawn, or null when the bootstrap was off
     * @param models one entry per model, in the order given
     * @param differences each model after the first minus the first, in the order given
     * @throws SmoothcalException if two entries share a label
     */
    public Comparison {
        models = List.copyOf(models);
        differences = List.copyOf(differences);
        Set<String> labels = new HashSet<>();
        for (Entry e : models) {
            if (!labels.add(e.label())) {
                throw SmoothcalException.invalid("labels", "values must be distinct, found '" + e.label() + "' twice");
            }
        }
    }

    /**
     * How the intervals were drawn.
     *
     * @param replicates replicates requested
     * @param replicatesUsed replicates with a positive total weight, the same for every model
     * @param seed seed of the weights
     * @param confidenceLevel 0.95: intervals are the 2.5th and 97.5th percentiles of the replicate values
     * @param baseline label of the model every difference is taken against (the first)
     */
    public record Bootstrap(int replicates, int replicatesUsed, long seed, double confidenceLevel, String baseline) {
    }

    /**
     * Percentile intervals of the metrics that have replicates (equal-mass ECE has none: its groups are
     * quantiles of the data; see {@link BootstrapReplicates}). Each {@code estimate} is the value on all
     * images.
     *
     * @param accuracy top-1 accuracy
     * @param nll negative log-likelihood
     * @param brier Brier score
     * @param ece equal-width top-label ECE
     * @param mce maximum calibration error
     * @param classwiseEce classwise ECE
     */
    public record Intervals(ConfidenceInterval accuracy, ConfidenceInterval nll, ConfidenceInterval brier,
            ConfidenceInterval ece, ConfidenceInterval mce, ConfidenceInterval classwiseEce) {
        /**
         * The interval of one metric.
         *
         * @param metric which
         * @return its interval
         */
        public ConfidenceInterval of(BootstrapReplicates.Metric metric) {
            return switch (metric) {
                case ACCURACY -> accuracy;
                case NLL -> nll;
                case BRIER -> brier;
                case ECE -> ece;
                case MCE -> mce;
                case CLASSWISE_ECE -> classwiseEce;
            };
        }

        static Intervals of(java.util.function.Function<BootstrapReplicates.Metric, ConfidenceInterval> interval) {
            return new Intervals(interval.apply(BootstrapReplicates.Metric.ACCURACY),
                    interval.apply(BootstrapReplicates.Metric.NLL), interval.apply(BootstrapReplicates.Metric.BRIER),
                    interval.apply(BootstrapReplicates.Metric.ECE), interval.apply(BootstrapReplicates.Metric.MCE),
                    interval.apply(BootstrapReplicates.Metric.CLASSWISE_ECE));
        }
    }

    /**
     * One model minus the baseline: for each metric, {@code estimate = value(model) - value(baseline)} and
     * the percentile interval of the paired replicate differences.
     *
     * @param label the model
     * @param baseline the model subtracted (the first)
     * @param difference the differences and their intervals
     */
    public record Difference(String label, String baseline, Intervals difference) {
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
     * @param intervals 95% bootstrap intervals of its metrics, or null when the bootstrap was off
     * @param bins its equal-width reliability bins
     * @param gate the quality rules checked against its report, or null when none were given
     */
    public record Entry(String label, String path, String outputKind, double accuracy, double nll, double brier,
            double ece, double mce, double eceEqualMass, double classwiseEce, Intervals intervals,
            List<ReliabilityBin> bins, GateResult gate) {
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
         * @param intervals 95% bootstrap intervals of its metrics, or null when the bootstrap was off
         * @param bins its equal-width reliability bins
         * @param gate the quality rules checked against its report, or null
         */
        public Entry {
            bins = List.copyOf(bins);
        }

        /**
         * The entry of one evaluation, without intervals.
         *
         * @param label the name shown in tables and the legend
         * @param r the evaluation's report
         * @return the entry
         */
        public static Entry of(String label, EvaluationReport r) {
            return of(label, r, null);
        }

        static Entry of(String label, EvaluationReport r, Intervals intervals) {
            return new Entry(label, r.model().path(), r.model().outputKind(), r.accuracy(), r.nll(), r.brier(), r.ece(),
                    r.mce(), r.eceEqualMass(), r.classwiseEce(), intervals, r.bins(), r.gate());
        }

        /**
         * The value of one metric on all images.
         *
         * @param metric which
         * @return its value
         */
        public double value(BootstrapReplicates.Metric metric) {
            return switch (metric) {
                case ACCURACY -> accuracy;
                case NLL -> nll;
                case BRIER -> brier;
                case ECE -> ece;
                case MCE -> mce;
                case CLASSWISE_ECE -> classwiseEce;
            };
        }
    }

    /**
     * Builds the comparison without intervals; every report must come from the same data (same fingerprint).
     *
     * @param labels one distinct name per model
     * @param reports one report per model, in the order of {@code labels}
     * @return the comparison
     */
    public static Comparison of(List<String> labels, List<EvaluationReport> reports) {
        return of(labels, reports, List.of());
    }

    /**
     * Builds the comparison with paired bootstrap intervals; every report must come from the same data
     * (same fingerprint).
     *
     * @param labels one distinct name per model
     * @param reports one report per model, in the order of {@code labels}
     * @param replicates one accumulator per model, in the same order, each fed that model's predictions of
     *     every image of the data under its index (see {@link BootstrapRecorder}), all of one configuration;
     *     or empty for no intervals
     * @return the comparison
     * @throws SmoothcalException when the counts differ, or an accumulator did not see every image
     */
    public static Comparison of(List<String> labels, List<EvaluationReport> reports,
            List<BootstrapReplicates> replicates) {
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
        if (replicates.isEmpty()) {
            return new Comparison(FORMAT, data, null, IntStream.range(0, labels.size())
                    .mapToObj(i -> Entry.of(labels.get(i), reports.get(i))).toList(), List.of());
        }
        if (replicates.size() != reports.size()) {
            throw SmoothcalException.defect("expected one set of bootstrap replicates per model, found "
                    + replicates.size() + " for " + reports.size() + " models");
        }
        BootstrapReplicates first = replicates.get(0);
        for (BootstrapReplicates b : replicates) {
            if (b.count() != data.size() || !b.config().equals(first.config())) {
                throw SmoothcalException.defect("bootstrap replicates must cover all " + data.size() + " images under "
                        + first.config() + ", found " + b.count() + " under " + b.config());
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            EvaluationReport r = reports.get(i);
            BootstrapReplicates b = replicates.get(i);
            Entry plain = Entry.of(labels.get(i), r);
            entries.add(Entry.of(labels.get(i), r, Intervals.of(m -> BootstrapReplicates.interval(plain.value(m),
                    b.values(m)))));
        }
        List<Difference> differences = new ArrayList<>();
        Entry baseline = entries.get(0);
        for (int i = 1; i < entries.size(); i++) {
            Entry e = entries.get(i);
            BootstrapReplicates b = replicates.get(i);
            differences.add(new Difference(e.label(), baseline.label(), Intervals.of(m -> {
                double[] values = b.values(m);
                double[] base = first.values(m);
                if (values.length != base.length) {
                    throw SmoothcalException.defect("paired replicates differ in number: " + values.length + " and "
                            + base.length + " (not the same images under the same indices)");
                }
                for (int r = 0; r < values.length; r++) {
                    values[r] -= base[r];
                }
                return BootstrapReplicates.interval(e.value(m) - baseline.value(m), values);
            })));
        }
        return new Comparison(FORMAT, data, new Bootstrap(first.config().bootstrapReplicates(),
                first.replicatesUsed(), first.config().seed(), BootstrapReplicates.CONFIDENCE_LEVEL,
                baseline.label()), entries, differences);
    }
}
