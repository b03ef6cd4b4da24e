package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;

/** Checks for optional runtimes, so that the evaluator-only distribution fails clearly. */
final class Runtimes {
    private Runtimes() {
    }

    /**
     * Whether TensorFlow Java and the trainer are on the class path (the full distribution).
     *
     * @return false in the evaluator-only distribution
     */
    static boolean hasTensorFlow() {
        try {
            Class.forName("org.tensorflow.TensorFlow", false, Runtimes.class.getClassLoader());
            Class.forName("dev.smoothcal.trainer.train.Trainer", false, Runtimes.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Fails unless TensorFlow Java and the trainer are on the class path. */
    static void requireTensorFlow(String command) {
        try {
            Class.forName("org.tensorflow.TensorFlow", false, Runtimes.class.getClassLoader());
            Class.forName("dev.smoothcal.trainer.train.Trainer", false, Runtimes.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new SmoothcalException("'" + command + "' needs TensorFlow Java, which this evaluator-only "
                    + "installation does not include; expected the full smoothcal distribution (image 'smoothcal'), "
                    + "found only the evaluator");
        }
    }
}
