package dev.smoothcal.evaluator.inference;

/** How a model wants its image input laid out. */
public enum InputLayout {
    /** {@code [N, H, W, C]} (TensorFlow, Keras, smoothcal). */
    NHWC,
    /** {@code [N, C, H, W]} (PyTorch). */
    NCHW,
    /** {@code [N, H*W*C]}, flattened in NHWC order. */
    FLAT
}
