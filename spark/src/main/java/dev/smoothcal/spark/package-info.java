/**
 * smoothcal on Apache Spark: {@link dev.smoothcal.spark.SparkEvaluation} evaluates an ONNX classifier over
 * a Spark {@code Dataset} and returns the same {@link dev.smoothcal.evaluator.report.EvaluationReport} as the
 * single-JVM {@link dev.smoothcal.evaluator.evaluation.Evaluation}; {@link dev.smoothcal.spark.SparkPredictions}
 * appends probabilities, prediction and confidence columns to a user's DataFrame.
 *
 * <p>How it runs: the model's bytes are broadcast; each executor JVM opens one ONNX Runtime session per model
 * and reuses it across partitions and tasks (closed when the JVM shuts down); each partition feeds its own
 * {@link dev.smoothcal.core.metrics.MetricsAccumulator} started at the global index of its first sample, and
 * the driver combines them in index order. The driver holds O(partitions x bins x classes), never O(samples).
 * A split in files ({@link dev.smoothcal.spark.SparkFiles}) is read by the executors, each partition its own
 * range of sample indices, so its pixels never pass through the driver.
 */
package dev.smoothcal.spark;
