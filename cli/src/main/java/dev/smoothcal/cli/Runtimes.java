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

    /** Fails unless Apache Spark and smoothcal's Spark module are on the class path. */
    static void requireSpark() {
        try {
            Class.forName("org.apache.spark.sql.SparkSession", false, Runtimes.class.getClassLoader());
            Class.forName("dev.smoothcal.spark.SparkEngine", false, Runtimes.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new SmoothcalException("'evaluate --engine spark' needs Apache Spark, which this installation does "
                    + "not include; expected the Spark distribution (cli/target/dist-spark, built with -Pspark; the "
                    + "smoothcal script builds and uses it when --engine spark or --master is given), found none");
        }
    }
}
