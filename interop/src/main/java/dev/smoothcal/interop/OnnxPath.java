package dev.smoothcal.interop;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.evaluator.inference.ClassifierSession;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.onnx.loss.SmoothedLossGraph;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/** The ONNX Runtime side of a parity check: model.onnx outputs and the ONNX loss graph. */
final class OnnxPath {
    private OnnxPath() {
    }

    static TensorFlowPath.Outputs run(Path model, Dataset data, int batch) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (ClassifierSession session = ClassifierSession.open(model, ExecutionProvider.CPU)) {
            int per = data.shape().size();
            BatchedOutputs outputs = new BatchedOutputs(data.size());
            for (int from = 0; from < data.size(); from += batch) {
                int count = Math.min(batch, data.size() - from);
                FloatBuffer x = FloatBuffer.wrap(data.images(), from * per, count * per).slice();
                try (OnnxTensor images = OnnxTensor.createTensor(env, x, new long[] {count, data.shape().height(),
                        data.shape().width(), data.shape().channels()})) {
                    float[] z = session.run(images, RunDirectory.LOGITS);
                    float[] p = session.run(images, RunDirectory.PROBABILITIES);
                    outputs.add(from, count, z, p);
                }
            }
            return outputs.outputs();
        } catch (OrtException e) {
            throw new SmoothcalException("ONNX Runtime could not take the input batch for " + model + ": "
                    + e.getMessage(), e);
        }
    }

    /** The label-smoothed loss computed by the ONNX loss graph inside ONNX Runtime. */
    static double loss(float[] logits, float[] labels, int n, int k, LabelSmoothing smoothing) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] graph = OnnxModels.toBytes(new SmoothedLossGraph(smoothing.convention()).toModel());
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(graph, options);
                OnnxTensor z = OnnxTensor.createTensor(env, FloatBuffer.wrap(logits), new long[] {n, k});
                OnnxTensor y = OnnxTensor.createTensor(env, FloatBuffer.wrap(labels), new long[] {n, k});
                OnnxTensor a = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {(float) smoothing.alpha()}),
                        new long[] {});
                OrtSession.Result r = session.run(Map.of(SmoothedLossGraph.LOGITS, z, SmoothedLossGraph.LABELS, y,
                        SmoothedLossGraph.ALPHA, a), java.util.Set.of(SmoothedLossGraph.LOSS))) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        } catch (OrtException e) {
            throw new SmoothcalException("ONNX Runtime could not run the smoothed-loss graph: " + e.getMessage(), e);
        }
    }
}
