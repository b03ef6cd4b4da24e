package dev.smoothcal.cli;

import dev.smoothcal.core.metrics.BootstrapIntervals;
import dev.smoothcal.evaluator.gate.GateResult;
import dev.smoothcal.evaluator.gate.Verdict;
import dev.smoothcal.evaluator.report.Comparison;
import dev.smoothcal.evaluator.report.EvaluationReport;
import java.io.PrintStream;
import java.util.Locale;

/** The human tables printed on stdout. */
final class Summaries {
    private Summaries() {
    }

    static void evaluation(PrintStream out, EvaluationReport r) {
        out.printf(Locale.ROOT, "model     %s (%s, %s, %s)%n", r.model().path(), r.model().layout().toUpperCase(Locale.ROOT),
                r.model().outputKind(), r.model().provider());
        out.printf(Locale.ROOT, "data      %s, %d images%n", r.data().name(), r.data().size());
        out.printf(Locale.ROOT, "%-22s %10s%n", "metric", "value");
        row(out, "accuracy", r.accuracy());
        r.topK().stream().filter(t -> t.k() > 1).forEach(t -> row(out, "top-" + t.k() + " accuracy", t.accuracy()));
        row(out, "nll", r.nll());
        row(out, "brier", r.brier());
        row(out, "ece (" + r.numBins() + " bins)", r.ece());
        row(out, "ece equal-mass", r.eceEqualMass());
        row(out, "mce", r.mce());
        row(out, "classwise ece", r.classwiseEce());
        if (r.bootstrap() != null) {
            out.printf(Locale.ROOT, "95%% interval: accuracy [%.4f, %.4f], ece [%.4f, %.4f] (%d replicates)%n",
                    r.bootstrap().accuracy().lower(), r.bootstrap().accuracy().upper(),
                    r.bootstrap().expectedCalibrationError().lower(), r.bootstrap().expectedCalibrationError().upper(),
                    r.bootstrap().replicates());
        }
        EvaluationReport.Temperature t = r.temperature();
        if (t != null) {
            out.printf(Locale.ROOT, "temperature T = %.4f fitted on %s (%d images%s)%n", t.t(), t.fittedOn(),
                    t.fitSamples(), t.fitPosition().equals("inside") ? "" : ", " + t.fitPosition().replace('_', ' ')
                            + " of [0.05, 20]");
            out.printf(Locale.ROOT, "  on %s: nll %.4f -> %.4f, ece %.4f -> %.4f%n", r.data().name(), t.nllBefore(),
                    t.nllAfter(), t.eceBefore(), t.eceAfter());
            if (t.warning() != null) {
                out.println("  warning: " + t.warning());
            }
        }
        calibration(out, r);
        out.println("throughput " + r.throughput().text());
    }

    /** The calibrators side by side on the evaluated split, the model as it is first. */
    static void calibration(PrintStream out, EvaluationReport r) {
        if (r.calibration().isEmpty()) {
            return;
        }
        EvaluationReport.Calibration first = r.calibration().get(0);
        out.printf(Locale.ROOT, "calibrators fitted on %s (%d images), measured on %s:%n", first.fittedOn(),
                first.fitSamples(), r.data().name());
        out.printf(Locale.ROOT, "  %-12s %8s %8s %8s %8s  %-17s  %-17s%n", "calibrator", "nll", "ece", "cw-ece",
                "accuracy", "ece 95%", "accuracy 95%");
        calibrationRow(out, "as is", r.nll(), r.ece(), r.classwiseEce(), r.accuracy(), r.bootstrap());
        for (EvaluationReport.Calibration c : r.calibration()) {
            calibrationRow(out, c.method(), c.nll(), c.ece(), c.classwiseEce(), c.accuracy(), c.bootstrap());
        }
        if (first.warning() != null) {
            out.println("  warning: " + first.warning());
        }
        if (r.export() != null) {
            out.printf(Locale.ROOT, "exported %s model checked on %d images: max |exported - java| = %.2g "
                    + "(tolerance %.0g)%n", r.export().calibrator(), r.export().samples(),
                    r.export().maxAbsDifference(), r.export().tolerance());
        }
    }

    private static void calibrationRow(PrintStream out, String name, double nll, double ece, double classwise,
            double accuracy, BootstrapIntervals b) {
        String eceInterval = b == null || b.expectedCalibrationError() == null ? "" : String.format(Locale.ROOT,
                "[%.4f, %.4f]", b.expectedCalibrationError().lower(), b.expectedCalibrationError().upper());
        String accuracyInterval = b == null || b.accuracy() == null ? "" : String.format(Locale.ROOT,
                "[%.4f, %.4f]", b.accuracy().lower(), b.accuracy().upper());
        out.printf(Locale.ROOT, "  %-12s %8.4f %8.4f %8.4f %8.4f  %-17s  %-17s%n", name, nll, ece, classwise, accuracy,
                eceInterval, accuracyInterval);
    }

    /** Every rule of a gate with its value, bound and verdict; {@code label} names the model (null for one). */
    static void gate(PrintStream out, String label, GateResult g) {
        out.printf(Locale.ROOT, "%-40s %12s %12s  %s%n", label == null ? "rule" : "rule (" + label + ")", "value",
                "bound", "verdict");
        for (Verdict v : g.verdicts()) {
            out.printf(Locale.ROOT, "%-40s %12.4f %12.4f  %s%n", v.rule(), v.value(), v.bound(),
                    v.passed() ? "passed" : "FAILED");
        }
        out.println("gate" + (label == null ? "" : " " + label) + ": " + (g.passed() ? "PASSED" : "FAILED ("
                + g.failures().size() + " of " + g.verdicts().size() + " rules)"));
    }

    /** One column per model, one row per metric. */
    static void comparison(PrintStream out, Comparison c) {
        out.printf(Locale.ROOT, "data      %s, %d images%n", c.data().name(), c.data().size());
        int width = 10;
        for (Comparison.Entry e : c.models()) {
            width = Math.max(width, e.label().length());
        }
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-16s", "metric"));
        for (Comparison.Entry e : c.models()) {
            header.append(' ').append(String.format(Locale.ROOT, "%" + width + "s", e.label()));
        }
        out.println(header);
        String[] names = {"accuracy", "nll", "brier", "ece", "ece equal-mass", "mce", "classwise ece"};
        for (int m = 0; m < names.length; m++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-16s", names[m]));
            for (Comparison.Entry e : c.models()) {
                double[] v = {e.accuracy(), e.nll(), e.brier(), e.ece(), e.eceEqualMass(), e.mce(), e.classwiseEce()};
                row.append(' ').append(String.format(Locale.ROOT, "%" + width + ".4f", v[m]));
            }
            out.println(row);
        }
    }

    private static void row(PrintStream out, String name, double value) {
        out.printf(Locale.ROOT, "%-22s %10.4f%n", name, value);
    }
}
