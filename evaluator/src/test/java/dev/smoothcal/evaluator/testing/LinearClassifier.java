package dev.smoothcal.evaluator.testing;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.onnx.Attribute;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A flat-input linear classifier {@code z = x W + b} for tests, with a double-precision forward pass to
 * check ONNX Runtime against, and datasets whose labels are drawn from {@code softmax(z / sharpness)}:
 * with sharpness 3 the model is over-confident and its ideal temperature is 3.
 */
public final class LinearClassifier {
    public final int inputs;
    public final int classes;
    public final float[] w;
    public final float[] b;

    public LinearClassifier(int inputs, int classes, long seed, double weightScale) {
        this.inputs = inputs;
        this.classes = classes;
        SplittableRandom rng = new SplittableRandom(seed);
        w = new float[inputs * classes];
        b = new float[classes];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextGaussian() * weightScale);
        }
        for (int k = 0; k < classes; k++) {
            b[k] = (float) (rng.nextGaussian() * 0.3);
        }
    }

    /** Writes the model with outputs {@code logits} and {@code probabilities = Softmax(logits)}. */
    public Path writeLogitsModel(Path file, Map<String, String> metadata) {
        OnnxModels.write(new OnnxGraphBuilder("linear")
                .input("x", Dim.BATCH, Dim.of(inputs))
                .output("logits", Dim.BATCH, Dim.of(classes))
                .output("probabilities", Dim.BATCH, Dim.of(classes))
                .initializer("w", w, inputs, classes)
                .initializer("b", b, classes)
                .node("Gemm", List.of("x", "w", "b"), "logits")
                .node("Softmax", List.of("logits"), "probabilities", Attribute.ofInt("axis", -1))
                .build(ModelMetadata.of(metadata)), file);
        return file;
    }

    /** Writes the model with a single probabilities output named {@code scores}. */
    public Path writeProbabilitiesModel(Path file) {
        OnnxModels.write(new OnnxGraphBuilder("linear_p")
                .input("x", Dim.BATCH, Dim.of(inputs))
                .output("scores", Dim.BATCH, Dim.of(classes))
                .initializer("w", w, inputs, classes)
                .initializer("b", b, classes)
                .node("Gemm", List.of("x", "w", "b"), "z")
                .node("Softmax", List.of("z"), "scores", Attribute.ofInt("axis", 1))
                .build(ModelMetadata.NONE), file);
        return file;
    }

    /** {@code z = x W + b} in double precision for one row of {@code x}. */
    public double[] logits(float[] x, int row) {
        double[] z = new double[classes];
        for (int k = 0; k < classes; k++) {
            double s = b[k];
            for (int i = 0; i < inputs; i++) {
                s += x[row * inputs + i] * (double) w[i * classes + k];
            }
            z[k] = s;
        }
        return z;
    }

    /**
     * {@code n} Gaussian inputs (shape 1 x inputs x 1, so the model's flat input takes them) with labels
     * sampled from {@code softmax(z / sharpness)}.
     */
    public Dataset sample(String name, int n, double sharpness, long seed, List<String> classNames) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * inputs];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        int[] labels = new int[n];
        for (int row = 0; row < n; row++) {
            double[] p = softmax(logits(x, row), sharpness);
            double u = rng.nextDouble();
            int k = 0;
            double cum = p[0];
            while (u > cum && k < classes - 1) {
                cum += p[++k];
            }
            labels[row] = k;
        }
        return new Dataset(name, x, labels, new ImageShape(1, inputs, 1), classNames);
    }

    /** {@code softmax(z / t)} in double precision, maximum subtracted. */
    public static double[] softmax(double[] z, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v / t);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            p[k] = Math.exp(z[k] / t - max);
            sum += p[k];
        }
        for (int k = 0; k < z.length; k++) {
            p[k] /= sum;
        }
        return p;
    }
}
