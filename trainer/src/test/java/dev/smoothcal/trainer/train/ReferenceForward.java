package dev.smoothcal.trainer.train;

import dev.smoothcal.trainer.graph.Normalization;
import dev.smoothcal.trainer.model.Layer;
import dev.smoothcal.trainer.model.ResolvedModel;
import dev.smoothcal.trainer.model.Weights;

/** A plain double-precision forward pass of Flatten/Dense/ReLU models: the tests' independent reference. */
final class ReferenceForward {
    private ReferenceForward() {
    }

    static double[] logits(ResolvedModel model, Normalization norm, Weights weights, float[] image) {
        int c = model.input().channels();
        double[] x = new double[image.length];
        for (int i = 0; i < image.length; i++) {
            x[i] = (image[i] - (double) norm.mean()[i % c]) / norm.std()[i % c];
        }
        for (ResolvedModel.Step step : model.steps()) {
            if (step.layer() instanceof Layer.Dense) {
                float[] w = weights.get(step.params().get(0).name());
                float[] b = weights.get(step.params().get(1).name());
                int in = (int) step.inputShape()[0];
                int out = (int) step.outputShape()[0];
                double[] y = new double[out];
                for (int o = 0; o < out; o++) {
                    double s = b[o];
                    for (int i = 0; i < in; i++) {
                        s += x[i] * w[i * out + o];
                    }
                    y[o] = s;
                }
                x = y;
            } else if (step.layer() instanceof Layer.Relu) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = Math.max(0.0, x[i]);
                }
            }
        }
        return x;
    }
}
