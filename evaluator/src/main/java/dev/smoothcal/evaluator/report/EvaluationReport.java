package dev.smoothcal.evaluator.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.metrics.BootstrapIntervals;
import dev.smoothcal.core.metrics.ClassificationReport;
import dev.smoothcal.core.metrics.MetricsResult;
import dev.smoothcal.core.metrics.ReliabilityBin;
import dev.smoothcal.core.metrics.TopKAccuracy;
import dev.smoothcal.evaluator.calibration.CalibrationFit;
import dev.smoothcal.evaluator.gate.GateResult;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The content of {@code report.json}; the schema is documented in the README. Top-level numbers are
 * the headline metrics; {@code bins} are the equal-width top-label reliability bins.
 *
 * @param format always {@link #FORMAT}
 * @param model what was evaluated
 * @param data what it was evaluated on
 * @param accuracy top-1 accuracy
 * @param nll mean negative log-likelihood (natural log, probabilities clamped at 1e-12)
 * @param brier multi-class Brier score {@code mean_i sum_k (p_ik - y_ik)^2}
 * @param ece equal-width top-label expected calibration error
 * @param mce maximum calibration error over non-empty bins
 * @param eceEqualMass equal-mass (adaptive) ECE
 * @param classwiseEce classwise ECE
 * @param eceL2 equal-width top-label ECE with the L2 norm ({@code mce} is the max norm)
 * @param eceDebiasedL2 Kumar et al. 2019's debiased L2 ECE on the same bins
 * @param smoothEce smooth ECE (Blasiok and Nakkiran 2023) at its fixed-point bandwidth
 * @param smoothEceBandwidth that bandwidth
 * @param topK top-k accuracies
 * @param numBins B
 * @param bins equal-width reliability bins: (lower, upper], the first including 0
 * @param equalMassBins equal-mass groups
 * @param classification per-class precision, recall, F1, confusion matrix
 * @param bootstrap 95% intervals, or null when off
 * @param temperature temperature scaling before/after, or null when no temperature was fitted
 * @param calibration the calibrators fitted on one split, side by side on the evaluated split, in the
 *     order requested (empty when none were asked for)
 * @param export the check of the calibrated model written, or null when none was written
 * @param throughput inference speed on this machine
 * @param gate the quality rules checked against this report and their verdicts, or null when none were given
 */
public record EvaluationReport(String format, ModelInfo model, DataInfo data, double accuracy, double nll,
        double brier, double ece, double mce, double eceEqualMass, double classwiseEce, double eceL2,
        double eceDebiasedL2, double smoothEce, double smoothEceBandwidth, List<TopKAccuracy> topK,
        int numBins, List<ReliabilityBin> bins, List<ReliabilityBin> equalMassBins,
        ClassificationReport classification, BootstrapIntervals bootstrap, Temperature temperature,
        List<Calibration> calibration, ExportCheck export, Throughput throughput, GateResult gate) {

    /** The {@code format} value of this version of {@code report.json}. */
    public static final String FORMAT = "smoothcal-report/1";

    /**
     * Copies the lists.
     *
     * @param format always {@link #FORMAT}
     * @param model what was evaluated
     * @param data what it was evaluated on
     * @param accuracy top-1 accuracy
     * @param nll mean negative log-likelihood (natural log, probabilities clamped at 1e-12)
     * @param brier multi-class Brier score {@code mean_i sum_k (p_ik - y_ik)^2}
     * @param ece equal-width top-label expected calibration error
     * @param mce maximum calibration error over non-empty bins
     * @param eceEqualMass equal-mass (adaptive) ECE
     * @param classwiseEce classwise ECE
     * @param eceL2 equal-width top-label ECE with the L2 norm ({@code mce} is the max norm)
     * @param eceDebiasedL2 Kumar et al. 2019's debiased L2 ECE on the same bins
     * @param smoothEce smooth ECE (Blasiok and Nakkiran 2023) at its fixed-point bandwidth
     * @param smoothEceBandwidth that bandwidth
     * @param topK top-k accuracies
     * @param numBins B
     * @param bins equal-width reliability bins: (lower, upper], the first including 0
     * @param equalMassBins equal-mass groups
     * @param classification per-class precision, recall, F1, confusion matrix
     * @param bootstrap 95% intervals, or null when off
     * @param temperature temperature scaling before/after, or null when no temperature was fitted
     * @param calibration the calibrators fitted on one split, side by side on the evaluated split, in the
     *     order requested (empty when none were asked for)
     * @param export the check of the calibrated model written, or null when none was written
     * @param throughput inference speed on this machine
     * @param gate the quality rules checked against this report and their verdicts, or null when none were given
     */
    public EvaluationReport {
        calibration = List.copyOf(calibration);
    }

    /**
     * One calibrator: its fit, and the evaluated split's metrics through it (all from the same
     * {@link dev.smoothcal.core.metrics.MetricsAccumulator} computation as the top-level numbers).
     *
     * @param method the calibrator, {@link dev.smoothcal.evaluator.calibration.CalibrationMethod#id()}
     * @param fittedOn name of the split it was fitted on
     * @param fitSamples images in that split
     * @param fit how the fit went, on the fit split
     * @param parameters the fitted parameters
     * @param accuracy top-1 accuracy of the calibrated probabilities (only temperature scaling keeps the
     *     model's arg-max for certain)
     * @param nll mean NLL of the calibrated probabilities
     * @param brier multi-class Brier score
     * @param ece equal-width top-label ECE
     * @param classwiseEce classwise ECE
     * @param mce maximum calibration error
     * @param eceL2 L2 ECE
     * @param smoothEce smooth ECE
     * @param bootstrap 95% intervals of accuracy and ECE, or null when off
     * @param bins equal-width reliability bins of the calibrated probabilities
     * @param warning a caution (fit on training data, or on the evaluated split), or null
     */
    public record Calibration(String method, String fittedOn, int fitSamples, CalibrationFit fit,
            SortedMap<String, Object> parameters, double accuracy, double nll, double brier, double ece,
            double classwiseEce, double mce, double eceL2, double smoothEce, BootstrapIntervals bootstrap, List<ReliabilityBin> bins, String warning) {
        /**
         * Copies the collections.
         *
         * @param method the calibrator, {@link dev.smoothcal.evaluator.calibration.CalibrationMethod#id()}
         * @param fittedOn name of the split it was fitted on
         * @param fitSamples images in that split
         * @param fit how the fit went, on the fit split
         * @param parameters the fitted parameters
         * @param accuracy top-1 accuracy of the calibrated probabilities (only temperature scaling keeps the model's arg-max for certain)
         * @param nll mean NLL of the calibrated probabilities
         * @param brier multi-class Brier score
         * @param ece equal-width top-label ECE
         * @param classwiseEce classwise ECE
         * @param mce maximum calibration error
         * @param eceL2 L2 ECE
         * @param smoothEce smooth ECE
         * @param bootstrap 95% intervals of accuracy and ECE, or null when off
         * @param bins equal-width reliability bins of the calibrated probabilities
         * @param warning a caution (fit on training data, or on the evaluated split), or null
         */
        public Calibration {
            parameters = new TreeMap<>(parameters);
            bins = List.copyOf(bins);
        }
    }

    /**
     * The calibrated model written, run in ONNX Runtime on the evaluated split and compared with the
     * Java calibrator's probabilities from the original model's outputs.
     *
     * @param path the file written
     * @param calibrator the calibrator in its graph
     * @param samples images compared
     * @param maxAbsDifference {@code max_i,k |p_exported - p_java|}
     * @param tolerance the bound it had to meet
     */
    public record ExportCheck(String path, String calibrator, int samples, double maxAbsDifference,
            double tolerance) {
    }

    /**
     * The model side.
     *
     * @param path the ONNX file
     * @param inputName input name as the model declares it
     * @param inputShape input shape as the model declares it (-1 = symbolic)
     * @param layout layout fed
     * @param output output read
     * @param outputKind logits or probabilities
     * @param provider execution provider used
     * @param provenance smoothcal metadata found in the file (empty for foreign models), run.json itself left
     *     out: each value as text, except {@code smoothcal.class_names}, which is a JSON array when the file
     *     holds valid JSON array text there
     */
    public record ModelInfo(String path, String inputName, List<Long> inputShape, String layout, String output,
            String outputKind, String provider, Map<String, JsonNode> provenance) {
    }

    /** The data side. */
    public record DataInfo(String name, int size, String fingerprint, List<String> classNames) {
    }

    /**
     * Temperature scaling: T fitted on one split, and its effect on the evaluated split. Before and after
     * values come from the same {@link dev.smoothcal.core.metrics.MetricsAccumulator} computation on
     * the evaluated split, before = the model as it is, after = {@code softmax(z / t)}.
     *
     * @param t the temperature
     * @param fittedOn name of the split T was fitted on
     * @param fitSamples images in that split
     * @param fitPosition {@code inside}, {@code at_lower_end} or {@code at_upper_end} of the bracket [0.05, 20]
     * @param fitNllBefore mean NLL on the fit split at T = 1 (double-precision log-softmax, no clamp)
     * @param fitNllAfter mean NLL on the fit split at T, the minimised value
     * @param nllBefore NLL of the evaluated split as the model is
     * @param nllAfter NLL of the evaluated split with T
     * @param eceBefore ECE of the evaluated split as the model is
     * @param eceAfter ECE of the evaluated split with T
     * @param binsAfter reliability bins of the evaluated split with T
     * @param warning a caution for the reader (fit on training data, or on the evaluated split), or null
     */
    public record Temperature(double t, String fittedOn, int fitSamples, String fitPosition, double fitNllBefore,
            double fitNllAfter, double nllBefore, double nllAfter, double eceBefore, double eceAfter,
            List<ReliabilityBin> binsAfter, String warning) {
        /**
         * Copies the bins.
         *
         * @param t the temperature
         * @param fittedOn name of the split T was fitted on
         * @param fitSamples images in that split
         * @param fitPosition {@code inside}, {@code at_lower_end} or {@code at_upper_end} of the bracket [0.05, 20]
         * @param fitNllBefore mean NLL on the fit split at T = 1 (double-precision log-softmax, no clamp)
         * @param fitNllAfter mean NLL on the fit split at T, the minimised value
         * @param nllBefore NLL of the evaluated split as the model is
         * @param nllAfter NLL of the evaluated split with T
         * @param eceBefore ECE of the evaluated split as the model is
         * @param eceAfter ECE of the evaluated split with T
         * @param binsAfter reliability bins of the evaluated split with T
         * @param warning a caution for the reader (fit on training data, or on the evaluated split), or null
         */
        public Temperature {
            binsAfter = List.copyOf(binsAfter);
        }
    }

    /**
     * Images per second of the evaluation loop (reading, inference, metrics), and the batch size used.
     * Opening the session is never timed. The first batch carries one-time costs (ONNX Runtime's first run
     * allocates its arena and starts its threads, the JIT compiles the loop), so when there is more than
     * one batch the clock starts at the end of the first and {@code warmupImages} says how many images
     * were left out; a single batch is timed whole ({@code warmupImages} 0).
     *
     * @param batchSize images per ONNX Runtime call
     * @param seconds the timed wall time
     * @param imagesPerSecond images timed / {@code seconds}
     * @param warmupImages images of the untimed first batch, 0 when every image was timed
     */
    public record Throughput(int batchSize, double seconds, double imagesPerSecond, int warmupImages) {
        /**
         * Every image timed ({@code warmupImages} 0).
         *
         * @param batchSize images per ONNX Runtime call
         * @param seconds the timed wall time
         * @param imagesPerSecond images / {@code seconds}
         */
        public Throughput(int batchSize, double seconds, double imagesPerSecond) {
            this(batchSize, seconds, imagesPerSecond, 0);
        }

        /**
         * The figure as people read it, saying what was timed.
         *
         * @return for example {@code 18467 images/s (batch 256, timed after the first batch of 256 images)}
         */
        public String text() {
            return String.format(Locale.ROOT, "%.0f images/s (batch %d%s)", imagesPerSecond, batchSize,
                    warmupImages == 0 ? "" : ", timed after the first batch of " + warmupImages + " images");
        }
    }

    /**
     * This report with the model's path shown as {@code path} (for a model evaluated before it was moved
     * into place).
     *
     * @param path the path to show
     * @return a new report; this one is unchanged
     */
    public EvaluationReport withModelPath(String path) {
        ModelInfo m = new ModelInfo(path, model.inputName(), model.inputShape(), model.layout(), model.output(),
                model.outputKind(), model.provider(), model.provenance());
        return new EvaluationReport(format, m, data, accuracy, nll, brier, ece, mce, eceEqualMass, classwiseEce, eceL2,
                eceDebiasedL2, smoothEce, smoothEceBandwidth, topK, numBins, bins, equalMassBins, classification,
                bootstrap, temperature, calibration, export, throughput, gate);
    }

    /**
     * This report with the verdicts of a quality gate, as {@code report.json}'s {@code gate} section.
     *
     * @param result the gate checked against this report (see {@link dev.smoothcal.evaluator.gate.Gate#check})
     * @return the report with its gate section
     */
    public EvaluationReport withGate(GateResult result) {
        return new EvaluationReport(format, model, data, accuracy, nll, brier, ece, mce, eceEqualMass, classwiseEce,
                eceL2, eceDebiasedL2, smoothEce, smoothEceBandwidth, topK, numBins, bins, equalMassBins,
                classification, bootstrap, temperature, calibration, export, throughput, result);
    }

    /**
     * The report of metrics {@code m}, without calibration.
     *
     * @param model the model side
     * @param data the data side
     * @param m the metrics of the evaluated split
     * @param throughput the measured inference speed
     * @return the report
     */
    public static EvaluationReport of(ModelInfo model, DataInfo data, MetricsResult m, Throughput throughput) {
        return of(model, data, m, null, List.of(), null, throughput);
    }

    /**
     * The report of metrics {@code m} with its calibration sections.
     *
     * @param model the model side
     * @param data the data side
     * @param m the metrics of the evaluated split
     * @param temperature the temperature section, or null for none
     * @param calibration the calibrators side by side, empty for none
     * @param export the check of an exported calibrated model, or null for none
     * @param throughput the measured inference speed
     * @return the report
     */
    public static EvaluationReport of(ModelInfo model, DataInfo data, MetricsResult m, Temperature temperature,
            List<Calibration> calibration, ExportCheck export, Throughput throughput) {
        return new EvaluationReport(FORMAT, model, data, m.accuracy(), m.negativeLogLikelihood(), m.brierScore(),
                m.expectedCalibrationError(), m.maximumCalibrationError(), m.equalMassCalibrationError(),
                m.classwiseCalibrationError(), m.calibrationErrorL2(), m.debiasedCalibrationErrorL2(),
                m.smoothCalibrationError(), m.smoothCalibrationBandwidth(), m.accuracyAtK(), m.config().bins(),
                m.reliabilityBins(), m.equalMassBins(), m.classification(), m.bootstrap(), temperature, calibration,
                export, throughput, null);
    }
}
