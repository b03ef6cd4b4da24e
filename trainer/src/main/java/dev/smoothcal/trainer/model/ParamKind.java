package dev.smoothcal.trainer.model;

/** Whether a parameter is learned by the optimizer or is state updated by the forward pass. */
public enum ParamKind {
    /** Learned by gradient descent (kernels, biases, batch-norm gamma and beta). */
    TRAINABLE,
    /** Not differentiated; updated by the training pass itself (batch-norm moving mean and variance). */
    STATE
}
