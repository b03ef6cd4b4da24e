package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The calibrators smoothcal fits, each constant being the fit of its {@link Calibrator}: the enum is the
 * one factory, and the compiler checks that every method has a fit.
 */
public enum CalibrationMethod {
    /** One temperature dividing every logit; see {@link TemperatureCalibrator}. */
    TEMPERATURE {
        @Override
        public FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
            return TemperatureCalibrator.fit(data);
        }
    },
    /** A scale and an offset per class; see {@link VectorScaling}. */
    VECTOR {
        @Override
        public FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
            return VectorScaling.fit(data, settings);
        }
    },
    /** A full K x K matrix and an offset on the logits, ODIR-regularised; see {@link MatrixScaling}. */
    MATRIX {
        @Override
        public FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
            return MatrixScaling.fit(data, settings);
        }
    },
    /** Matrix scaling of the log-probabilities, ODIR-regularised; see {@link DirichletCalibration}. */
    DIRICHLET {
        @Override
        public FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
            return DirichletCalibration.fit(data, settings);
        }
    },
    /** A sigmoid of the logit margin, two classes only; see {@link PlattScaling}. */
    PLATT {
        @Override
        public FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
            return PlattScaling.fit(data, settings);
        }
    },
    /** Equal-width bin means per class, renormalised; see {@link HistogramBinning}. */
    HISTOGRAM {
        @Override
        public FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
            return HistogramBinning.fit(data, settings);
        }
    },
    /** Isotonic regression per class, renormalised; see {@link IsotonicCalibration}. */
    ISOTONIC {
        @Override
        public FittedCalibrator fit(CalibrationData data, CalibrationSettings settings) {
            return IsotonicCalibration.fit(data);
        }
    };

    /**
     * Fits this method's calibrator on {@code data}.
     *
     * @param data the fit split's logits and labels
     * @param settings knobs of the methods that have any
     * @return the calibrator and the record of its fit
     * @throws SmoothcalException when the method cannot take the data (Platt scaling with K != 2)
     */
    public abstract FittedCalibrator fit(CalibrationData data, CalibrationSettings settings);

    /**
     * The lowercase name used in reports, metadata and on the command line.
     *
     * @return for example {@code temperature}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The method named {@code id} (case-insensitive).
     *
     * @param parameter the library parameter the name came from, for the message
     * @param id for example {@code vector}
     * @return the method
     * @throws SmoothcalException naming {@code parameter} when no method has that name
     */
    public static CalibrationMethod parse(String parameter, String id) {
        for (CalibrationMethod m : values()) {
            if (m.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return m;
            }
        }
        throw SmoothcalException.invalid(parameter, "must be one of " + Arrays.stream(values())
                .map(CalibrationMethod::id).collect(Collectors.joining(", ")) + ", found '" + id + "'");
    }
}
