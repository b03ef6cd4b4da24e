package dev.smoothcal.trainer.optim;

/** The update rule. */
public enum OptimizerKind {
    /** Adam (Kingma and Ba 2015), Keras defaults beta1 0.9, beta2 0.999, epsilon 1e-7. */
    ADAM,
    /** SGD with (heavy-ball) momentum: {@code a = m*a + g; w -= lr*a}. */
    SGD
}
