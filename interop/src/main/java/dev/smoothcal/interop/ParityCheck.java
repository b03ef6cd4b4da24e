package dev.smoothcal.interop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.core.run.RunManifest;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.trainer.export.OnnxExport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the same images through a run's SavedModel (TensorFlow Java) and model.onnx (ONNX Runtime)
 * and compares logits, probabilities, predicted classes and the label-smoothed loss, the latter also
 * against the double-precision reference of core.
 */
public final class ParityCheck {
    private ParityCheck() {
    }

    /**
     * Compares the two paths of {@code run} on {@code data}.
     *
     * @param batch images per call on both paths
     * @throws SmoothcalException when the run is inconsistent (model.onnx and run.json from different
     *     trainings) or the data does not fit the model; a numeric mismatch is not an exception but a
     *     report with {@code passed = false}
     */
    public static ParityReport run(RunDirectory run, Dataset data, ParityTolerance tolerance, int batch) {
        RunManifest manifest = run.manifest();
        checkData(manifest, data);
        String onnxFingerprint = OnnxModels.metadata(OnnxModels.read(run.require(RunDirectory.MODEL_ONNX)))
                .get(OnnxExport.KEY_MODEL_FINGERPRINT);
        if (!manifest.modelFingerprint().equals(onnxFingerprint)) {
            throw new SmoothcalException("model.onnx and run.json of " + run.root()
                    + " come from different trainings: expected model fingerprint " + manifest.modelFingerprint()
                    + " (run.json), found " + onnxFingerprint + " (model.onnx)");
        }
        LabelSmoothing smoothing = smoothing(manifest);
        TensorFlowPath.Outputs tf = TensorFlowPath.run(run.require(RunDirectory.SAVED_MODEL), data, batch);
        TensorFlowPath.Outputs ort = OnnxPath.run(run.modelOnnx(), data, batch);
        int n = data.size();
        int k = tf.numClasses();
        if (ort.numClasses() != k) {
            throw new SmoothcalException("the SavedModel has " + k + " classes but model.onnx has " + ort.numClasses());
        }
        List<String> failures = new ArrayList<>();
        ParityReport.Difference logits = difference("logits", tf.logits(), ort.logits(), k);
        if (!withinLogitTolerance(tf.logits(), ort.logits(), tolerance)) {
            failures.add(String.format(Locale.ROOT, "logits differ by up to %.3g (sample %d, class %d: TF %.6f, ONNX %.6f),"
                    + " expected at most %.1g + %.1g*|TF|", logits.maxAbsDiff(), logits.worst().sample(),
                    logits.worst().classIndex(), logits.worst().tf(), logits.worst().onnx(), tolerance.logitAbsolute(),
                    tolerance.logitRelative()));
        }
        ParityReport.Difference probabilities = difference("probabilities", tf.probabilities(), ort.probabilities(), k);
        if (probabilities.maxAbsDiff() > tolerance.probabilityAbsolute()) {
            failures.add(String.format(Locale.ROOT, "probabilities differ by up to %.3g (sample %d, class %d), expected "
                    + "at most %.1g", probabilities.maxAbsDiff(), probabilities.worst().sample(),
                    probabilities.worst().classIndex(), tolerance.probabilityAbsolute()));
        }
        ParityReport.Agreement argmax = agreement(tf.logits(), ort.logits(), n, k, tolerance);
        if (argmax.disagreements() > 0) {
            failures.add(argmax.disagreements() + " of " + n + " samples get a different class in TF and ONNX "
                    + "(ties excluded), expected none");
        }
        ParityReport.LossParity loss = loss(tf.logits(), ort.logits(), data.labels(), k, smoothing);
        if (loss.maxRelativeDiff() > tolerance.lossRelative()) {
            failures.add(String.format(Locale.ROOT, "smoothed loss differs between paths by %.3g relative (TF %.8f, "
                    + "ONNX %.8f, reference %.8f), expected at most %.1g", loss.maxRelativeDiff(), loss.tensorflow(),
                    loss.onnx(), loss.reference(), tolerance.lossRelative()));
        }
        return new ParityReport(failures.isEmpty(), failures, manifest.modelFingerprint(),
                new ParityReport.DataInfo(data.name(), n, data.fingerprint()), logits, probabilities, argmax, loss,
                tolerance);
    }

    /** The run's label smoothing, read from run.json's config. */
    static LabelSmoothing smoothing(RunManifest manifest) {
        JsonNode node = manifest.config() == null ? null : manifest.config().get("label_smoothing");
        if (node == null) {
            throw new SmoothcalException("run.json: expected config.label_smoothing, found none");
        }
        try {
            return Json.MAPPER.treeToValue(node, LabelSmoothing.class);
        } catch (JsonProcessingException e) {
            throw new SmoothcalException("run.json: expected config.label_smoothing {alpha, convention}, found " + node, e);
        }
    }

    private static void checkData(RunManifest manifest, Dataset data) {
        List<Integer> shape = manifest.input().shape();
        List<Integer> found = List.of(data.shape().height(), data.shape().width(), data.shape().channels());
        if (!shape.equals(found)) {
            throw new SmoothcalException("the run's model takes images of " + shape + " (HWC), found data "
                    + data.name() + " with " + found);
        }
        if (data.numClasses() != manifest.classNames().size()) {
            throw new SmoothcalException("the run's model has " + manifest.classNames().size() + " classes, found data "
                    + data.name() + " with " + data.numClasses());
        }
        if (data.size() == 0) {
            throw new SmoothcalException("expected at least one image to compare on, found an empty split");
        }
    }

    private static ParityReport.Difference difference(String output, float[] a, float[] b, int k) {
        double max = -1;
        double sum = 0;
        int at = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            sum += d;
            if (d > max) {
                max = d;
                at = i;
            }
        }
        return new ParityReport.Difference(max, sum / a.length,
                new ParityReport.Worst(output, at / k, at % k, a[at], b[at]));
    }

    private static boolean withinLogitTolerance(float[] tf, float[] ort, ParityTolerance tol) {
        for (int i = 0; i < tf.length; i++) {
            if (!tol.logitsClose(ort[i], tf[i])) {
                return false;
            }
        }
        return true;
    }

    private static ParityReport.Agreement agreement(float[] tf, float[] ort, int n, int k, ParityTolerance tol) {
        int agree = 0;
        int ties = 0;
        int disagreeOnTies = 0;
        for (int i = 0; i < n; i++) {
            int a = argmax(tf, i * k, k);
            int b = argmax(ort, i * k, k);
            boolean tie = nearTie(tf, i * k, k, a, tol) || nearTie(ort, i * k, k, b, tol);
            if (tie) {
                ties++;
            }
            if (a == b) {
                agree++;
            } else if (tie) {
                disagreeOnTies++;
            }
        }
        return new ParityReport.Agreement(n, agree, ties, disagreeOnTies, n - agree - disagreeOnTies, (double) agree / n);
    }

    private static boolean nearTie(float[] z, int off, int k, int best, ParityTolerance tol) {
        for (int j = 0; j < k; j++) {
            if (j != best && tol.logitsClose(z[off + j], z[off + best])) {
                return true;
            }
        }
        return false;
    }

    private static int argmax(float[] z, int off, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (z[off + j] > z[off + best]) {
                best = j;
            }
        }
        return best;
    }

    private static ParityReport.LossParity loss(float[] tfLogits, float[] ortLogits, int[] labels, int k,
            LabelSmoothing smoothing) {
        int n = labels.length;
        float[] oneHot = new float[n * k];
        for (int i = 0; i < n; i++) {
            oneHot[i * k + labels[i]] = 1f;
        }
        double tf = TensorFlowPath.loss(tfLogits, oneHot, n, k, smoothing);
        double onnx = OnnxPath.loss(ortLogits, oneHot, n, k, smoothing);
        double reference = smoothing.loss(toDouble(tfLogits, n, k), labels);
        double referenceOnOnnx = smoothing.loss(toDouble(ortLogits, n, k), labels);
        double rel = Math.max(relative(tf, reference), Math.max(relative(onnx, reference), relative(tf, onnx)));
        return new ParityReport.LossParity(smoothing.alpha(), smoothing.convention().cliName(), tf, onnx, reference,
                referenceOnOnnx, rel);
    }

    private static double relative(double a, double b) {
        double scale = Math.max(Math.abs(a), Math.abs(b));
        return scale == 0 ? 0 : Math.abs(a - b) / scale;
    }

    private static double[][] toDouble(float[] z, int n, int k) {
        double[][] out = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                out[i][j] = z[i * k + j];
            }
        }
        return out;
    }
}
