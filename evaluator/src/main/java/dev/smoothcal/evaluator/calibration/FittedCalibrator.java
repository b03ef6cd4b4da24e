package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;

/**
 * A calibrator together with the record of its fit.
 *
 * @param calibrator the fitted parameters
 * @param fit how the fit went on its split
 */
public record FittedCalibrator(Calibrator calibrator, CalibrationFit fit) {
    /**
     * Both must be given.
     *
     * @param calibrator the fitted parameters
     * @param fit how the fit went on its split
     */
    public FittedCalibrator {
        if (calibrator == null || fit == null) {
            throw SmoothcalException.defect("a fitted calibrator without its calibrator or fit");
        }
    }

    /**
     * The method that was fitted.
     *
     * @return the calibrator's method
     */
    public CalibrationMethod method() {
        return calibrator.method();
    }
}
