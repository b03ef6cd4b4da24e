package dev.smoothcal.interop;

/** Gathers per-batch logits and probabilities of one path into whole-dataset arrays. */
final class BatchedOutputs {
    private final int size;
    private float[] logits;
    private float[] probabilities;
    private int numClasses = -1;

    BatchedOutputs(int size) {
        this.size = size;
    }

    /** Stores the rows of the batch that starts at sample {@code from}. */
    void add(int from, int count, float[] batchLogits, float[] batchProbabilities) {
        if (logits == null) {
            numClasses = batchLogits.length / count;
            logits = new float[size * numClasses];
            probabilities = new float[size * numClasses];
        }
        System.arraycopy(batchLogits, 0, logits, from * numClasses, batchLogits.length);
        System.arraycopy(batchProbabilities, 0, probabilities, from * numClasses, batchProbabilities.length);
    }

    /** Stores the outputs of the batch that starts at sample {@code from}. */
    void add(int from, int count, TensorFlowPath.Outputs batch) {
        add(from, count, batch.logits(), batch.probabilities());
    }

    TensorFlowPath.Outputs outputs() {
        return new TensorFlowPath.Outputs(logits, probabilities, numClasses);
    }
}
