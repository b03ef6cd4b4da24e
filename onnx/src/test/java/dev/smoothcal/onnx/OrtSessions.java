package dev.smoothcal.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test helper: runs models built here in a real ONNX Runtime session, the independent consumer whose
 * parsing and results the tests check.
 */
public final class OrtSessions implements AutoCloseable {

    /** A float32 tensor: row-major values and their shape. */
    public record FloatTensor(float[] values, long... shape) {
    }

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    /** Loads the serialized model into a new CPU session. */
    public OrtSessions(ModelProto model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = env.createSession(OnnxModels.toBytes(model), options);
        }
    }

    public OrtSession session() {
        return session;
    }

    /** Runs the model and returns every float output by name. */
    public Map<String, FloatTensor> run(Map<String, FloatTensor> inputs) throws OrtException {
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, FloatTensor> e : inputs.entrySet()) {
                tensors.put(e.getKey(), OnnxTensor.createTensor(env,
                        FloatBuffer.wrap(e.getValue().values()), e.getValue().shape()));
            }
            Map<String, FloatTensor> outputs = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(tensors)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    FloatBuffer buffer = t.getFloatBuffer();
                    float[] values = new float[buffer.remaining()];
                    buffer.get(values);
                    outputs.put(e.getKey(), new FloatTensor(values, t.getInfo().getShape()));
                }
            }
            return outputs;
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
