package dev.smoothcal.cli;

import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.interop.ParityReport;
import java.io.PrintStream;
import java.util.Locale;

/** The human tables printed on stdout. */
final class Summaries {
    private Summaries() {
    }

    static void evaluation(PrintStream out, EvaluationReport r) {
        out.printf(Locale.ROOT, "model     %s (%s, %s, %s)%n", r.model().path(), r.model().layout(),
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
        out.printf(Locale.ROOT, "throughput %.0f images/s (batch %d)%n", r.throughput().imagesPerSecond(),
                r.throughput().batchSize());
    }

    static void parity(PrintStream out, ParityReport p) {
        out.printf(Locale.ROOT, "%-34s %14s %14s%n", "check", "value", "limit");
        out.printf(Locale.ROOT, "%-34s %14.3g %14.3g%n", "max |logit TF - ONNX|", p.logits().maxAbsDiff(),
                p.tolerance().logitAbsolute());
        out.printf(Locale.ROOT, "%-34s %14.3g %14.3g%n", "max |probability TF - ONNX|", p.probabilities().maxAbsDiff(),
                p.tolerance().probabilityAbsolute());
        out.printf(Locale.ROOT, "%-34s %14s %14s%n", "argmax agreement",
                p.argmax().agree() + "/" + p.argmax().total(), "all but ties");
        out.printf(Locale.ROOT, "%-34s %14.8f%n", "smoothed loss, TensorFlow", p.loss().tensorflow());
        out.printf(Locale.ROOT, "%-34s %14.8f%n", "smoothed loss, ONNX Runtime", p.loss().onnx());
        out.printf(Locale.ROOT, "%-34s %14.8f%n", "smoothed loss, double reference", p.loss().reference());
        out.printf(Locale.ROOT, "%-34s %14.3g %14.3g%n", "loss max relative difference", p.loss().maxRelativeDiff(),
                p.tolerance().lossRelative());
        out.println("parity: " + (p.passed() ? "PASSED" : "FAILED"));
        p.failures().forEach(f -> out.println("  - " + f));
    }

    private static void row(PrintStream out, String name, double value) {
        out.printf(Locale.ROOT, "%-22s %10.4f%n", name, value);
    }
}
