package dev.smoothcal.interop;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.evaluator.inference.ClassifierSession;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.trainer.loss.SmoothedCrossEntropy;
import dev.smoothcal.trainer.loss.SmoothingMethod;
import dev.smoothcal.onnx.loss.SmoothedLossGraph;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The ONNX Runtime side of a parity check: model.onnx outputs and the ONNX loss graph. */
final class OnnxPath implements AutoCloseable {
    private final ClassifierSession session;

    private OnnxPath(ClassifierSession session) {
        this.session = session;
    }

    static OnnxPath open(Path model) {
        return new OnnxPath(ClassifierSession.open(model, ExecutionProvider.CPU));
    }

    /** Both outputs of model.onnx for every image, read from one session run per batch. */
    TensorFlowPath.Outputs run(float[] images, int n, ImageShape shape, int batch) {
        int per = shape.size();
        List<String> names = List.of(RunDirectory.LOGITS, RunDirectory.PROBABILITIES);
        BatchedOutputs outputs = new BatchedOutputs(n);
        for (int from = 0; from < n; from += batch) {
            int count = Math.min(batch, n - from);
            FloatBuffer x = FloatBuffer.wrap(images, from * per, count * per).slice();
            Map<String, float[]> out = session.run(x, new long[] {count, shape.height(), shape.width(),
                    shape.channels()}, names);
            outputs.add(from, count, out.get(RunDirectory.LOGITS), out.get(RunDirectory.PROBABILITIES));
        }
        return outputs.outputs();
    }

    @Override
    public void close() {
        session.close();
    }

    /**
     * The smoothed loss with {@code method}: the ONNX loss graph smoothing the labels itself, or labels first
     * smoothed by an ONNX graph ({@code Mul}, {@code Add}: {@code t = (1 - a') y + a'/K} with the uniform
     * factor {@code a'} of the convention) and then the loss graph with {@code a = 0}; both in ONNX Runtime.
     */
    static double loss(float[] logits, float[] labels, int n, int k, LabelSmoothing smoothing, SmoothingMethod method) {
        if (method == SmoothingMethod.LOSS) {
            return loss(logits, labels, n, k, smoothing);
        }
        return loss(logits, smoothLabels(labels, n, k, smoothing), n, k, new LabelSmoothing(0, smoothing.convention()));
    }

    private static float[] smoothLabels(float[] labels, int n, int k, LabelSmoothing smoothing) {
        double a = SmoothedCrossEntropy.uniformAlpha(smoothing, k);
        ModelProto graph = new OnnxGraphBuilder("smooth_labels")
                .input("labels", Dim.BATCH, Dim.of(k))
                .output("smoothed", Dim.BATCH, Dim.of(k))
                .initializer("keep", new float[] {(float) (1 - a)})
                .initializer("spread", new float[] {(float) (a / k)})
                .node("Mul", List.of("labels", "keep"), "kept")
                .node("Add", List.of("kept", "spread"), "smoothed")
                .build(ModelMetadata.NONE);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(OnnxModels.toBytes(graph), options);
                OnnxTensor y = OnnxTensor.createTensor(env, FloatBuffer.wrap(labels), new long[] {n, k});
                OrtSession.Result r = session.run(Map.of("labels", y))) {
            FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        } catch (OrtException e) {
            throw SmoothcalException.backend("ONNX Runtime could not smooth the labels: " + e.getMessage(), e);
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
            throw SmoothcalException.backend("ONNX Runtime could not run the smoothed-loss graph: " + e.getMessage(), e);
        }
    }
}
