package dev.smoothcal.trainer.export;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.trainer.graph.NetworkGraph;
import dev.smoothcal.trainer.train.TrainedModel;
import java.io.IOException;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Writes a trained model as a TF SavedModel (tag {@code serve}) with the signature
 * {@code serving_default}: input {@code images} (raw pixels, {@code [N, H, W, C]} float32), outputs
 * {@code logits} and {@code probabilities} ({@code [N, K]}). The graph is a fresh inference graph
 * (no dropout, no optimizer slots) whose variables hold the trained weights.
 */
public final class SavedModelExport {
    /** Signature key of the exported function. */
    public static final String SIGNATURE_KEY = "serving_default";

    private SavedModelExport() {
    }

    /**
     * Exports {@code trained} to the folder {@code dir} (which must not exist yet).
     *
     * @param trained the trained model and its weights
     * @param dir the SavedModel folder to create
     */
    public static void export(TrainedModel trained, Path dir) {
        var model = trained.model();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> images = tf.withName(RunDirectory.INPUT_NAME).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, model.input().height(), model.input().width(),
                            model.input().channels())));
            var vars = NetworkGraph.createVariables(tf, model, trained.weights());
            Operand<TFloat32> logits = tf.withName(RunDirectory.LOGITS).identity(
                    NetworkGraph.forward(tf, images, model, trained.normalization(), vars, NetworkGraph.Mode.INFERENCE,
                            null).logits());
            Operand<TFloat32> probabilities = tf.withName(RunDirectory.PROBABILITIES).nn.softmax(logits);
            Signature signature = Signature.builder().key(SIGNATURE_KEY)
                    .input(RunDirectory.INPUT_NAME, images)
                    .output(RunDirectory.LOGITS, logits)
                    .output(RunDirectory.PROBABILITIES, probabilities)
                    .build();
            try (Session session = new Session(graph)) {
                session.initialize();
                SavedModelBundle.exporter(dir.toString()).withSession(session).withSignature(signature).export();
            }
        } catch (IOException | TensorFlowException e) {
            throw SmoothcalException.backend("could not export SavedModel to " + dir + ": " + e.getMessage(), e);
        }
    }
}
