/**
 * Fluent assertions for tests that gate a model, in the style of AssertJ:
 * {@code assertThatModel(path).on(data).hasAccuracyAtLeast(0.95).hasExpectedCalibrationErrorAtMost(0.05)}
 * and {@code assertThatRun(dir).on(data).hasOnnxExportMatchingTensorFlow()}. A failure names the metric,
 * its value, the bound, the model and the data, and lists the worst reliability bins.
 */
package dev.smoothcal.junit;
