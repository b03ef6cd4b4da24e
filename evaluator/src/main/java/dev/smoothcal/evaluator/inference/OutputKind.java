package dev.smoothcal.evaluator.inference;

/** What a classifier's output holds. */
public enum OutputKind {
    /** Unnormalised scores; probabilities are their softmax. */
    LOGITS,
    /** Rows of non-negative values summing to 1. */
    PROBABILITIES
}
