package dev.smoothcal.spark;

import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.evaluator.evaluation.ModelSource;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import dev.smoothcal.evaluator.inference.InferenceOptions;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A model's bytes broadcast to the executors with what their tasks need to open it. Made on the driver
 * after opening the model there once, so a model that cannot take the images fails before any task
 * runs. Closing it destroys the broadcast; a lazily evaluated result (a DataFrame) keeps it open.
 *
 * @param bytes the {@code .onnx} file's bytes, broadcast
 * @param spec how the executors open it (digest, shape, inference options, provider)
 * @param numClasses the classes the model outputs
 */
record ModelBroadcast(Broadcast<byte[]> bytes, InferenceSpec spec, int numClasses) implements AutoCloseable {
    /** Reads {@code model} (a file or run directory), opens it once for {@code shape}, broadcasts its bytes. */
    static ModelBroadcast of(JavaSparkContext jsc, Path model, ImageShape shape, InferenceOptions inference,
            ExecutionProvider provider) {
        Path file = ModelSource.onnxFile(model);
        byte[] bytes = SparkEvaluation.read(file);
        int k;
        try (ImageClassifier classifier = ImageClassifier.open(file, shape, inference, provider)) {
            k = classifier.numClasses();
        }
        InferenceSpec spec = InferenceSpec.of(SparkEvaluation.sha256(bytes), shape, inference, provider);
        return new ModelBroadcast(jsc.broadcast(bytes), spec, k);
    }

    @Override
    public void close() {
        bytes.destroy();
    }
}
