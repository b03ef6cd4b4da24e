package dev.smoothcal.interop;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.trainer.export.SavedModelExport;
import dev.smoothcal.trainer.loss.SmoothedCrossEntropy;
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
final class TensorFlowPath {
    private TensorFlowPath() {
    }

    /** Logits and probabilities, row-major {@code [N, K]} each. */
    record Outputs(float[] logits, float[] probabilities, int numClasses) {
    }

    static Outputs run(Path savedModel, Dataset data, int batch) {
        try (SavedModelBundle bundle = SavedModelBundle.load(savedModel.toString(), SavedModelBundle.DEFAULT_TAG)) {
            SessionFunction fn = bundle.function(SavedModelExport.SIGNATURE_KEY);
            BatchedOutputs outputs = new BatchedOutputs(data.size());
            int per = data.shape().size();
            for (int from = 0; from < data.size(); from += batch) {
                int count = Math.min(batch, data.size() - from);
                float[] x = new float[count * per];
                System.arraycopy(data.images(), from * per, x, 0, x.length);
                try (TFloat32 images = Tensors.floats(x, count, data.shape().height(), data.shape().width(),
                        data.shape().channels());
                        Result r = fn.call(Map.of(RunDirectory.INPUT_NAME, images))) {
                    float[] z = Tensors.toArray(r.get(RunDirectory.LOGITS).orElseThrow());
                    float[] p = Tensors.toArray(r.get(RunDirectory.PROBABILITIES).orElseThrow());
                    outputs.add(from, count, z, p);
                }
            }
            return outputs.outputs();
        } catch (TensorFlowException e) {
            throw new SmoothcalException("TensorFlow could not run the SavedModel at " + savedModel + ": "
                    + e.getMessage(), e);
        }
    }

    /** tensorflow-framework's CategoricalCrossentropy (from logits, smoothed) of one-hot labels. */
    static double loss(float[] logits, float[] oneHot, int n, int k, LabelSmoothing smoothing) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> z = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, k)));
            Placeholder<TFloat32> y = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, k)));
            Operand<TFloat32> loss = new SmoothedCrossEntropy(smoothing).call(tf, y, z);
            try (Session s = new Session(g);
                    TFloat32 zt = Tensors.floats(logits, n, k);
                    TFloat32 yt = Tensors.floats(oneHot, n, k);
                    Result r = s.runner().feed(z, zt).feed(y, yt).fetch(loss).run()) {
                return ((TFloat32) r.get(0)).getFloat();
            }
        } catch (TensorFlowException e) {
            throw new SmoothcalException("TensorFlow could not compute the smoothed loss: " + e.getMessage(), e);
        }
    }
}
