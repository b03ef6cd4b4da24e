package dev.smoothcal.trainer.optim;

import dev.smoothcal.core.SmoothcalException;

/**
 * Optimizer settings.
 *
 * @param kind Adam or SGD with momentum
 * @param learningRate base learning rate, in (0, 1]; schedules scale it
 * @param momentum SGD momentum in [0, 1) (ignored by Adam)
 * @param weightDecay L2 penalty {@code lambda * sum(w^2)} over kernels (not biases or BatchNorm), added to
 *     the training loss as Keras' {@code kernel_regularizer=l2(lambda)} does; in [0, 1)
 */
public record OptimizerConfig(OptimizerKind kind, double learningRate, double momentum, double weightDecay) {
    /** Keras' Adam epsilon. */
    public static final double ADAM_EPSILON = 1e-7;
    /** Keras' Adam beta_1: decay of the first-moment estimate. */
    public static final double ADAM_BETA1 = 0.9;
    /** Keras' Adam beta_2: decay of the second-moment estimate. */
    public static final double ADAM_BETA2 = 0.999;

    /**
     * Checks each component against the bounds stated above.
     *
     * @param kind Adam or SGD with momentum
     * @param learningRate base learning rate, in (0, 1]; schedules scale it
     * @param momentum SGD momentum in [0, 1) (ignored by Adam)
     * @param weightDecay L2 penalty {@code lambda * sum(w^2)} over kernels (not biases or BatchNorm), added to
     *     the training loss as Keras' {@code kernel_regularizer=l2(lambda)} does; in [0, 1)
     * @throws SmoothcalException naming the component out of range and the value found
     */
    public OptimizerConfig {
        if (kind == null) {
            throw SmoothcalException.invalid("optimizer", "must be adam or sgd, found none");
        }
        if (!(learningRate > 0.0 && learningRate <= 1.0)) {
            throw SmoothcalException.invalid("learningRate", "must be in (0, 1], found " + learningRate);
        }
        if (!(momentum >= 0.0 && momentum < 1.0)) {
            throw SmoothcalException.invalid("momentum", "must be in [0, 1), found " + momentum);
        }
        if (!(weightDecay >= 0.0 && weightDecay < 1.0)) {
            throw SmoothcalException.invalid("weightDecay", "must be in [0, 1), found " + weightDecay);
        }
    }
}
