package dev.smoothcal.trainer.model;

import dev.smoothcal.core.SmoothcalException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Values of every parameter of a {@link ResolvedModel} (trainable and state), by flat name, in layer
 * order. The one representation of trained weights that both exporters (SavedModel and ONNX) read.
 */
public final class Weights {
    private final ResolvedModel model;
    private final Map<String, float[]> values;

    private Weights(ResolvedModel model, Map<String, float[]> values) {
        this.model = model;
        this.values = values;
    }

    /**
     * Weights for {@code model} from {@code values}, checked: one array per parameter with the
     * parameter's element count.
     *
     * @param model the model the values belong to
     * @param values one array per parameter, by flat name
     * @return the weights (copies of the arrays, in layer order)
     * @throws SmoothcalException when a parameter is missing or extra, or has the wrong element count
     */
    public static Weights of(ResolvedModel model, Map<String, float[]> values) {
        Map<String, float[]> ordered = new LinkedHashMap<>();
        for (ResolvedModel.Param p : model.params()) {
            float[] v = values.get(p.name());
            if (v == null) {
                throw new SmoothcalException("weights for model " + model.name() + ": missing parameter " + p.name());
            }
            if (v.length != p.size()) {
                throw new SmoothcalException("weights for " + p.name() + ": expected " + p.size() + " values, found "
                        + v.length);
            }
            ordered.put(p.name(), v.clone());
        }
        if (values.size() != ordered.size()) {
            throw new SmoothcalException("weights for model " + model.name() + ": expected parameters "
                    + ordered.keySet() + ", found " + values.keySet());
        }
        return new Weights(model, ordered);
    }

    /**
     * Initial weights drawn from {@code seed}, as Keras initialises: Glorot-uniform kernels
     * ({@code U(-l, l)}, {@code l = sqrt(6 / (fan_in + fan_out))}, where for an HWIO conv kernel
     * {@code fan_in = kh*kw*cin} and {@code fan_out = kh*kw*cout}), zero biases, batch-norm gamma 1 and
     * beta 0, moving mean 0 and moving variance 1. Drawn on the host with a seeded generator, so they
     * are identical on every machine and device.
     *
     * @param model the model to initialise
     * @param seed seed of the generator
     * @return the initial weights
     */
    public static Weights initial(ResolvedModel model, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (ResolvedModel.Param p : model.params()) {
            float[] v = new float[p.size()];
            long[] shape = p.shape();
            if (p.init() == ResolvedModel.Init.GLOROT_UNIFORM) {
                long receptive = 1;
                for (int i = 0; i < shape.length - 2; i++) {
                    receptive *= shape[i];
                }
                double fanIn = shape[shape.length - 2] * (double) receptive;
                double fanOut = shape[shape.length - 1] * (double) receptive;
                double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((rng.nextDouble() * 2.0 - 1.0) * limit);
                }
            } else if (p.init() == ResolvedModel.Init.ONES) {
                Arrays.fill(v, 1f);
            }
            values.put(p.name(), v);
        }
        return new Weights(model, values);
    }

    /**
     * The model these weights belong to.
     *
     * @return the resolved model
     */
    public ResolvedModel model() {
        return model;
    }

    /**
     * The values of one parameter.
     *
     * @param name the flat parameter name, such as {@code conv1_kernel}
     * @return a copy of its values, row-major
     * @throws SmoothcalException listing the names when there is no such parameter
     */
    public float[] get(String name) {
        float[] v = values.get(name);
        if (v == null) {
            throw new SmoothcalException("no parameter " + name + "; expected one of " + values.keySet());
        }
        return v.clone();
    }

    /**
     * Every parameter's values.
     *
     * @return flat name to a copy of the values, in layer order
     */
    public Map<String, float[]> asMap() {
        Map<String, float[]> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /**
     * SHA-256 over parameter names, shapes and float bits of every parameter, trainable and state, as
     * {@code sha256:HEX}: identifies a trained model across its SavedModel and ONNX forms.
     *
     * @return {@code sha256:} and 64 lower-case hex digits
     */
    public String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (ResolvedModel.Param p : model.params()) {
                sha.update(p.name().getBytes(StandardCharsets.UTF_8));
                ByteBuffer buf = ByteBuffer.allocate(8 * p.shape().length + 4 * p.size()).order(ByteOrder.LITTLE_ENDIAN);
                for (long d : p.shape()) {
                    buf.putLong(d);
                }
                for (float f : values.get(p.name())) {
                    buf.putFloat(f);
                }
                sha.update(buf.array());
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw SmoothcalException.defect("this JVM has no SHA-256, which every Java platform must provide", e);
        }
    }
}
