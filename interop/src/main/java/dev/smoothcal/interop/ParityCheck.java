package dev.smoothcal.interop;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.Fingerprint;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.core.data.Shard;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.trainer.export.OnnxExport;
import dev.smoothcal.trainer.loss.SmoothingMethod;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;
import dev.smoothcal.trainer.run.RunManifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs the same images through a run's SavedModel (TensorFlow Java) and model.onnx (ONNX Runtime)
 * and compares logits, probabilities, predicted classes and the label-smoothed loss, the latter also
 * against the double-precision reference of core, and computed by both smoothing methods (the loss
 * smoothing the labels, and the labels smoothed first with a loss at {@code a = 0}), which must agree.
 *
 * <p>The images are read from a {@link BatchSource} one batch at a time, once per batch size compared (and
 * once more for the mixed labels, mixed batch by batch at the largest batch size), so the pixels held are
 * bounded by the batch size whatever the number of images; what is kept whole is each path's logits and
 * probabilities, {@code N x K} values. An in-memory {@link Dataset} is read the same way, so both give the
 * same report.
 */
public final class ParityCheck {
    private ParityCheck() {
    }

    /** Batch sizes compared unless told otherwise: one image, an odd size, and a full batch. */
    public static final List<Integer> DEFAULT_BATCH_SIZES = List.of(1, 7, 256);

    /**
     * Compares the two paths of {@code run} on {@code data} at the default tolerances
     * ({@link ParityTolerance#DEFAULT}) and batch sizes ({@link #DEFAULT_BATCH_SIZES}).
     *
     * @param run a run directory written by training (run.json, saved_model/, model.onnx)
     * @param data labelled images of the run's input shape
     * @return the report; {@link ParityReport#passed()} says whether every check held
     * @throws SmoothcalException as {@link #run(RunDirectory, Dataset, ParityTolerance, List)}
     */
    public static ParityReport run(RunDirectory run, Dataset data) {
        return run(run, data, ParityTolerance.DEFAULT, DEFAULT_BATCH_SIZES);
    }

    /**
     * As {@link #run(RunDirectory, Dataset)} on the images of a {@link BatchSource}, streamed.
     *
     * @param run a run directory written by training (run.json, saved_model/, model.onnx)
     * @param data labelled images of the run's input shape
     * @return the report; {@link ParityReport#passed()} says whether every check held
     * @throws SmoothcalException as {@link #run(RunDirectory, Dataset, ParityTolerance, List)}
     */
    public static ParityReport run(RunDirectory run, BatchSource data) {
        return run(run, data, ParityTolerance.DEFAULT, DEFAULT_BATCH_SIZES);
    }

    /**
     * Compares the two paths of {@code run} on {@code data}, running both at every batch size.
     *
     * @param run the run directory whose TF model and ONNX model are compared
     * @param data the samples fed to both paths
     * @param tolerance when two values count as equal
     * @param batchSizes the batch sizes to run, each at least 1
     * @return the report that {@code parity.json} holds
     * @throws SmoothcalException as {@link #run(RunDirectory, BatchSource, ParityTolerance, List)}
     */
    public static ParityReport run(RunDirectory run, Dataset data, ParityTolerance tolerance, List<Integer> batchSizes) {
        return run(run, BatchSource.of(data), tolerance, batchSizes);
    }

    /**
     * Compares the two paths of {@code run} on {@code data}, running both at every batch size.
     *
     * @param run the run directory whose TF model and ONNX model are compared
     * @param data the samples fed to both paths, read batch by batch (once per batch size, and once more
     *     for the mixed labels)
     * @param tolerance when two values count as equal
     * @param batchSizes the batch sizes to run, each at least 1
     * @return the report that {@code parity.json} holds
     * @throws SmoothcalException when the run is inconsistent (model.onnx and run.json from different
     *     trainings), the data does not fit the model or cannot be read; a numeric mismatch is not an
     *     exception but a report with {@code passed = false}
     */
    public static ParityReport run(RunDirectory run, BatchSource data, ParityTolerance tolerance,
            List<Integer> batchSizes) {
        if (batchSizes.isEmpty() || batchSizes.stream().anyMatch(b -> b < 1)) {
            throw SmoothcalException.invalid("batchSizes", "must be positive integers, found " + batchSizes);
        }
        RunManifest manifest = RunManifest.read(run);
        checkData(manifest, data);
        String onnxFingerprint = OnnxModels.metadata(OnnxModels.read(run.require(RunDirectory.MODEL_ONNX)))
                .get(OnnxExport.KEY_MODEL_FINGERPRINT);
        if (!manifest.modelFingerprint().equals(onnxFingerprint)) {
            throw new SmoothcalException("model.onnx and run.json of " + run.root()
                    + " come from different trainings: expected model fingerprint " + manifest.modelFingerprint()
                    + " (run.json), found " + onnxFingerprint + " (model.onnx)");
        }
        LabelSmoothing smoothing = manifest.config().labelSmoothing();
        int n = data.size();
        List<String> failures = new ArrayList<>();
        List<String> nonFinite = new ArrayList<>();
        List<ParityReport.BatchParity> perBatch = new ArrayList<>();
        ParityReport.Difference logits = null;
        ParityReport.Difference probabilities = null;
        TensorFlowPath.Outputs tf = null;
        TensorFlowPath.Outputs ort = null;
        ImageShape shape = data.shape();
        int numClasses = data.classNames().size();
        int[] labels = data.labels();
        Fingerprint fingerprint = Fingerprint.start(shape, data.classNames(), labels);
        TensorFlowPath.Outputs tfMixed;
        TensorFlowPath.Outputs ortMixed;
        float[] mixedLabels = new float[n * numClasses];
        try (TensorFlowPath tfPath = TensorFlowPath.open(run.require(RunDirectory.SAVED_MODEL));
                OnnxPath onnxPath = OnnxPath.open(run.modelOnnx())) {
            requireSavedModelFromRun(run, manifest, shape, numClasses, tfPath);
            for (int b = 0; b < batchSizes.size(); b++) {
                int batch = batchSizes.get(b);
                boolean first = b == 0;
                BatchedOutputs tfOut = new BatchedOutputs(n);
                BatchedOutputs ortOut = new BatchedOutputs(n);
                data.read(batch, x -> {
                    if (first) {
                        fingerprint.accept(x.pixels(), 0, x.pixels().length);
                    }
                    tfOut.add(x.from(), x.count(), tfPath.run(x.pixels(), x.count(), shape, batch));
                    ortOut.add(x.from(), x.count(), onnxPath.run(x.pixels(), x.count(), shape, batch));
                });
                tf = tfOut.outputs();
                ort = ortOut.outputs();
                if (ort.numClasses() != tf.numClasses()) {
                    throw new SmoothcalException("the SavedModel has " + tf.numClasses() + " classes but model.onnx has "
                            + ort.numClasses());
                }
                if (nonFinite.isEmpty()) {
                    nonFinite(nonFinite, "TensorFlow", tf, batch, data);
                    nonFinite(nonFinite, "ONNX Runtime", ort, batch, data);
                }
                ParityReport.Difference dz = difference("logits", tf.logits(), ort.logits(), tf.numClasses());
                ParityReport.Difference dp = difference("probabilities", tf.probabilities(), ort.probabilities(),
                        tf.numClasses());
                perBatch.add(new ParityReport.BatchParity(batch, dz.maxAbsDiff(), dp.maxAbsDiff()));
                if (!withinLogitTolerance(tf.logits(), ort.logits(), tolerance)) {
                    failures.add(String.format(Locale.ROOT, "at batch size %d logits differ by up to %.3g (sample %d, "
                            + "class %d: TF %.6f, ONNX %.6f), expected at most %.1g + %.1g*|TF|", batch, dz.maxAbsDiff(),
                            dz.worst().sample(), dz.worst().classIndex(), dz.worst().tf(), dz.worst().onnx(),
                            tolerance.logitAbsolute(), tolerance.logitRelative()));
                }
                if (dp.maxAbsDiff() > tolerance.probabilityAbsolute()) {
                    failures.add(String.format(Locale.ROOT, "at batch size %d probabilities differ by up to %.3g "
                            + "(sample %d, class %d), expected at most %.1g", batch, dp.maxAbsDiff(), dp.worst().sample(),
                            dp.worst().classIndex(), tolerance.probabilityAbsolute()));
                }
                logits = logits == null || dz.maxAbsDiff() > logits.maxAbsDiff() ? dz : logits;
                probabilities = probabilities == null || dp.maxAbsDiff() > probabilities.maxAbsDiff() ? dp : probabilities;
            }
            int largest = batchSizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
            BatchedOutputs tfMixedOut = new BatchedOutputs(n);
            BatchedOutputs ortMixedOut = new BatchedOutputs(n);
            long seed = manifest.config().seed();
            data.read(largest, x -> {
                MixedBatch mixed = MixedBatch.of(x, numClasses, seed, x.from() / largest);
                System.arraycopy(mixed.labels(), 0, mixedLabels, x.from() * numClasses, mixed.labels().length);
                tfMixedOut.add(x.from(), x.count(), tfPath.run(mixed.images(), x.count(), shape, largest));
                ortMixedOut.add(x.from(), x.count(), onnxPath.run(mixed.images(), x.count(), shape, largest));
            });
            tfMixed = tfMixedOut.outputs();
            ortMixed = ortMixedOut.outputs();
        }
        // A NaN or infinity explains every other difference (or hides it: NaN compares as no difference), so
        // it is reported first.
        failures.addAll(0, nonFinite);
        int k = tf.numClasses();
        ParityReport.Agreement argmax = agreement(tf.logits(), ort.logits(), n, k, tolerance);
        if (argmax.disagreements() > 0) {
            failures.add(argmax.disagreements() + " of " + n + " samples get a different class in TF and ONNX "
                    + "(ties excluded), expected none");
        }
        float[] oneHot = new float[n * k];
        for (int i = 0; i < n; i++) {
            oneHot[i * k + labels[i]] = 1f;
        }
        ParityReport.LossParity smoothedLoss = loss("smoothed", tf.logits(), ort.logits(), oneHot, n, k, smoothing);
        ParityReport.LossParity mixedLoss = loss("mixed", tfMixed.logits(), ortMixed.logits(), mixedLabels, n, k,
                smoothing);
        List<ParityReport.LossParity> losses = List.of(
                loss("hard", tf.logits(), ort.logits(), oneHot, n, k,
                        new LabelSmoothing(0.0, smoothing.convention())),
                smoothedLoss, mixedLoss);
        for (ParityReport.LossParity l : losses) {
            if (!(l.maxRelativeDiff() <= tolerance.lossRelative())) {
                failures.add(String.format(Locale.ROOT, "%s-label smoothed loss differs between paths by %.3g relative "
                        + "(TF %.8f, ONNX %.8f, reference %.8f), expected at most %.1g", l.labels(), l.maxRelativeDiff(),
                        l.tensorflow(), l.onnx(), l.reference(), tolerance.lossRelative()));
            }
        }
        List<ParityReport.MethodParity> methods = List.of(
                methods(smoothedLoss, tf.logits(), ort.logits(), oneHot, n, k, smoothing),
                methods(mixedLoss, tfMixed.logits(), ortMixed.logits(), mixedLabels, n, k, smoothing));
        for (ParityReport.MethodParity m : methods) {
            if (!(m.maxRelativeDiff() <= tolerance.lossRelative())) {
                failures.add(String.format(Locale.ROOT, "%s-label loss smoothed by the labels differs from smoothed by "
                        + "the loss by %.3g relative (TF %.8f vs %.8f, ONNX %.8f vs %.8f, reference %.8f), expected at "
                        + "most %.1g", m.labels(), m.maxRelativeDiff(), m.tensorflowByLabels(), m.tensorflowByLoss(),
                        m.onnxByLabels(), m.onnxByLoss(), m.referenceByLabels(), tolerance.lossRelative()));
            }
        }
        return new ParityReport(ParityReport.FORMAT, failures.isEmpty(), failures, manifest.modelFingerprint(),
                new ParityReport.DataInfo(data.name(), n, fingerprint.result()), perBatch, logits, probabilities, argmax,
                losses, tolerance, methods);
    }

    /**
     * Recomputes the weights fingerprint from the SavedModel's own variables and compares it with
     * run.json's, so a saved_model/ copied from another training is refused like a foreign model.onnx.
     * The architecture comes from run.json itself, so the check needs no model file.
     */
    private static void requireSavedModelFromRun(RunDirectory run, RunManifest manifest, ImageShape shape,
            int numClasses, TensorFlowPath tfPath) {
        ResolvedModel model = manifest.model().resolve(shape, numClasses);
        List<String> names = model.params().stream().map(ResolvedModel.Param::name).toList();
        String found = Weights.of(model, tfPath.variables(names)).fingerprint();
        if (!found.equals(manifest.modelFingerprint())) {
            throw new SmoothcalException("saved_model/ and run.json of " + run.root()
                    + " come from different trainings: expected model fingerprint " + manifest.modelFingerprint()
                    + " (run.json), found " + found + " (saved_model variables)");
        }
    }

    private static void checkData(RunManifest manifest, BatchSource data) {
        List<Integer> shape = manifest.input().shape();
        List<Integer> found = List.of(data.shape().height(), data.shape().width(), data.shape().channels());
        if (!shape.equals(found)) {
            throw new SmoothcalException("the run's model takes images of " + shape + " (HWC), found data "
                    + data.name() + " with " + found);
        }
        if (data.classNames().size() != manifest.classNames().size()) {
            throw new SmoothcalException("the run's model has " + manifest.classNames().size() + " classes, found data "
                    + data.name() + " with " + data.classNames().size());
        }
        if (data.size() == 0) {
            throw new SmoothcalException("expected at least one image to compare on, found an empty split");
        }
    }

    /**
     * Adds a failure naming the first sample whose logits or probabilities from {@code path} are not finite,
     * and whether that sample's image holds non-finite pixels.
     */
    private static void nonFinite(List<String> failures, String path, TensorFlowPath.Outputs out, int batch,
            BatchSource data) {
        int k = out.numClasses();
        float[][] arrays = {out.logits(), out.probabilities()};
        String[] names = {"logits", "probabilities"};
        for (int a = 0; a < arrays.length; a++) {
            float[] v = arrays[a];
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    int sample = i / k;
                    failures.add(String.format(Locale.ROOT, "%s gives non-finite %s for sample %d at batch size %d "
                            + "(class %d: %s)%s", path, names[a], sample, batch, i % k, v[i], pixels(data, sample)));
                    return;
                }
            }
        }
    }

    /** What the image of {@code sample} holds, when that explains a non-finite output. */
    private static String pixels(BatchSource data, int sample) {
        int per = data.shape().size();
        float[] image = new float[per];
        data.read(new Shard(sample, sample + 1), 1, b -> System.arraycopy(b.pixels(), 0, image, 0, per));
        for (int j = 0; j < per; j++) {
            float x = image[j];
            if (!Float.isFinite(x)) {
                return "; its image holds a non-finite pixel (" + x + " at index " + j + ")";
            }
        }
        return "; its image is finite";
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

    private static ParityReport.LossParity loss(String kind, float[] tfLogits, float[] ortLogits, float[] labels, int n,
            int k, LabelSmoothing smoothing) {
        double tf = TensorFlowPath.loss(tfLogits, labels, n, k, smoothing);
        double onnx = OnnxPath.loss(ortLogits, labels, n, k, smoothing);
        double[][] soft = toDouble(labels, n, k);
        double reference = smoothing.loss(toDouble(tfLogits, n, k), soft);
        double referenceOnOnnx = smoothing.loss(toDouble(ortLogits, n, k), soft);
        double rel = Math.max(relative(tf, reference), Math.max(relative(onnx, referenceOnOnnx), relative(tf, onnx)));
        return new ParityReport.LossParity(kind, smoothing.alpha(), smoothing.convention().id(), tf, onnx, reference,
                referenceOnOnnx, rel);
    }

    /**
     * The loss of {@code byLoss}'s labels smoothed by the labels on both paths, against the by-loss values and
     * the double-precision reference of the by-labels computation.
     */
    private static ParityReport.MethodParity methods(ParityReport.LossParity byLoss, float[] tfLogits,
            float[] ortLogits, float[] labels, int n, int k, LabelSmoothing smoothing) {
        double tf = TensorFlowPath.loss(tfLogits, labels, n, k, smoothing, SmoothingMethod.LABELS);
        double onnx = OnnxPath.loss(ortLogits, labels, n, k, smoothing, SmoothingMethod.LABELS);
        double[][] targets = toDouble(labels, n, k);
        for (int i = 0; i < n; i++) {
            targets[i] = smoothing.smooth(targets[i]);
        }
        double reference = new LabelSmoothing(0, smoothing.convention()).loss(toDouble(tfLogits, n, k), targets);
        double rel = Math.max(Math.max(relative(tf, byLoss.tensorflow()), relative(onnx, byLoss.onnx())),
                Math.max(relative(tf, onnx), relative(tf, reference)));
        return new ParityReport.MethodParity(byLoss.labels(), smoothing.alpha(), smoothing.convention().id(),
                byLoss.tensorflow(), tf, byLoss.onnx(), onnx, reference, rel);
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
