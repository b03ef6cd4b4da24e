package dev.smoothcal.core;

/**
 * The project's own unchecked exception: a message a user can act on, saying what was expected and
 * what was found. Vendor exceptions (TensorFlow, ONNX Runtime, I/O) are translated into this type at
 * module boundaries, keeping the original as the cause.
 */
public class SmoothcalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SmoothcalException(String message) {
        super(message);
    }

    public SmoothcalException(String message, Throwable cause) {
        super(message, cause);
    }
}
