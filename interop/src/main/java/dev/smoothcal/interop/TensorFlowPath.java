package dev.smoothcal.interop;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.trainer.export.SavedModelExport;
import dev.smoothcal.trainer.loss.SmoothedCrossEntropy;
import dev.smoothcal.trainer.loss.SmoothingMethod;
import dev.smoothcal.trainer.train.Tensors;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The TensorFlow side of a parity check: the SavedModel's outputs and the framework loss. */
final class TensorFlowPath implements AutoCloseable {
    private final Path savedModel;
    private final SavedModelBundle bundle;
    private final SessionFunction function;

    /** Logits and probabilities, row-major {@code [N, K]} each. */
    record Outputs(float[] logits, float[] probabilities, int numClasses) {
    }

    private TensorFlowPath(Path savedModel, SavedModelBundle bundle) {
        this.savedModel = savedModel;
        this.bundle = bundle;
        this.function = bundle.function(SavedModelExport.SIGNATURE_KEY);
    }

    static TensorFlowPath open(Path savedModel) {
        try {
            return new TensorFlowPath(savedModel, SavedModelBundle.load(savedModel.toString(), SavedModelBundle.DEFAULT_TAG));
        } catch (TensorFlowException | IllegalArgumentException e) {
            throw new SmoothcalException("expected a TF SavedModel with signature " + SavedModelExport.SIGNATURE_KEY
                    + " at " + savedModel + ", found one TensorFlow cannot load: " + e.getMessage(), e);
        }
    }

    /** The values of the named variables (flat parameter names) held by the SavedModel. */
    java.util.Map<String, float[]> variables(java.util.List<String> names) {
        java.util.Map<String, float[]> values = new java.util.LinkedHashMap<>();
        try {
            for (String name : names) {
                try (Result r = bundle.session().runner().fetch(name).run()) {
                    values.put(name, Tensors.toArray(r.get(0)));
                }
            }
        } catch (TensorFlowException | IllegalArgumentException e) {
            throw new SmoothcalException("the SavedModel at " + savedModel + " lacks the trained variables of its run ("
                    + e.getMessage() + ")", e);
        }
        return values;
    }

    Outputs run(float[] images, int n, ImageShape shape, int batch) {
        try {
            BatchedOutputs outputs = new BatchedOutputs(n);
            int per = shape.size();
            for (int from = 0; from < n; from += batch) {
                int count = Math.min(batch, n - from);
                float[] x = new float[count * per];
                System.arraycopy(images, from * per, x, 0, x.length);
                try (TFloat32 t = Tensors.floats(x, count, shape.height(), shape.width(), shape.channels());
                        Result r = function.call(Map.of(RunDirectory.INPUT_NAME, t))) {
                    outputs.add(from, count, Tensors.toArray(r.get(RunDirectory.LOGITS).orElseThrow()),
                            Tensors.toArray(r.get(RunDirectory.PROBABILITIES).orElseThrow()));
                }
            }
            return outputs.outputs();
        } catch (TensorFlowException e) {
            throw SmoothcalException.backend("TensorFlow could not run the SavedModel at " + savedModel + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        bundle.close();
    }

    /** tensorflow-framework's CategoricalCrossentropy (from logits, smoothed) of one-hot labels. */
    static double loss(float[] logits, float[] oneHot, int n, int k, LabelSmoothing smoothing) {
        return loss(logits, oneHot, n, k, smoothing, SmoothingMethod.LOSS);
    }

    /**
     * The smoothed loss as training computes it with {@code method}: the loss smooths the labels, or the
     * labels are smoothed in the graph first ({@link SmoothedCrossEntropy#smoothLabels}) and the loss uses
     * {@code a = 0}.
     */
    static double loss(float[] logits, float[] oneHot, int n, int k, LabelSmoothing smoothing, SmoothingMethod method) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> z = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, k)));
            Placeholder<TFloat32> y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, k)));
            SmoothedCrossEntropy smoothed = new SmoothedCrossEntropy(smoothing);
            Operand<TFloat32> loss = method == SmoothingMethod.LOSS ? smoothed.call(tf, y, z)
                    : new SmoothedCrossEntropy(new LabelSmoothing(0, smoothing.convention()))
                            .call(tf, smoothed.smoothLabels(tf, y), z);
            try (Session s = new Session(g);
                    TFloat32 zt = Tensors.floats(logits, n, k);
                    TFloat32 yt = Tensors.floats(oneHot, n, k);
                    Result r = s.runner().feed(z, zt).feed(y, yt).fetch(loss).run()) {
                return ((TFloat32) r.get(0)).getFloat();
            }
        } catch (TensorFlowException e) {
            throw SmoothcalException.backend("TensorFlow could not compute the smoothed loss: " + e.getMessage(), e);
        }
    }
}
