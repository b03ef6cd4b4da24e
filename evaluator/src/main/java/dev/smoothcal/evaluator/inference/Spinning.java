package dev.smoothcal.evaluator.inference;

/**
 * What ONNX Runtime's intra-op threads do between the pieces of work of a run
 * ({@code session.intra_op.allow_spinning}).
 */
public enum Spinning {
    /**
     * They sleep until woken: no core is burnt while the session waits, so other work on the machine
     * (builds, training, other evaluations) keeps its cores. The default.
     */
    OFF,
    /**
     * They spin (busy-wait) for a while before sleeping, so the next operator starts without a wake-up:
     * faster when the evaluation is alone on the machine, and a core taken from everything else while
     * it runs.
     */
    ON
}
