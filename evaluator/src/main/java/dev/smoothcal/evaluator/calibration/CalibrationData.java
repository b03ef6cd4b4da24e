package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;

/**
 * The split a calibrator is fitted on: {@code n} rows of K logits with their labels. For a model whose
 * output holds probabilities, {@code ln(max(p, 1e-12))} stands in for the logits (see
 * {@link TemperatureScaling#logits}); every calibrator reads its input from these logits: the logits
 * themselves (temperature, vector, matrix, Platt), their log-softmax (Dirichlet) or their softmax
 * (histogram, isotonic).
 *
 * <p>The arrays are kept, not copied (a fit split of 10,000 images of 1,000 classes is 40 MB): do not
 * change them while a fit runs.
 *
 * @param logits row-major {@code [n, K]}, every value finite
 * @param labels {@code n} labels, each in {@code [0, K)}
 * @param numClasses K, at least 2
 */
public record CalibrationData(float[] logits, int[] labels, int numClasses) {

    /**
     * Validates the shape, the logits and the labels; messages name the sample and class.
     *
     * @param logits row-major {@code [n, K]}, every value finite
     * @param labels {@code n} labels, each in {@code [0, K)}
     * @param numClasses K, at least 2
     */
    public CalibrationData {
        if (logits == null || labels == null) {
            throw SmoothcalException.invalid("calibrateOn", "must be logits with labels, found none");
        }
        if (numClasses < 2) {
            throw SmoothcalException.invalid("calibrateOn", "needs at least 2 classes, found " + numClasses);
        }
        int n = labels.length;
        if (n < 1) {
            throw SmoothcalException.invalid("calibrateOn", "needs at least 1 sample, found 0");
        }
        if (logits.length != (long) n * numClasses) {
            throw SmoothcalException.invalid("calibrateOn", "expected n*K = " + (long) n * numClasses
                    + " logits for " + n + " labels, found " + logits.length);
        }
        for (int i = 0; i < logits.length; i++) {
            if (!Float.isFinite(logits[i])) {
                throw SmoothcalException.invalid("calibrateOn", "expected finite logits, found " + logits[i]
                        + " for sample " + i / numClasses + ", class " + i % numClasses);
            }
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw SmoothcalException.invalid("calibrateOn", "label of sample " + i + " must be in [0, "
                        + numClasses + "), found " + labels[i]);
            }
        }
    }

    /**
     * The number of samples.
     *
     * @return n, at least 1
     */
    public int size() {
        return labels.length;
    }
}
