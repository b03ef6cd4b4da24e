package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;

/** Process exit codes of the {@code smoothcal} command, as the README's table lists them. */
final class ExitCode {
    /** Success. */
    static final int OK = 0;
    /** The command ran but a check failed (for example parity outside tolerance). */
    static final int CHECK_FAILED = 1;
    /** Bad input: an unknown flag, a value out of range, a missing or unreadable file. */
    static final int BAD_INPUT = 2;
    /** TensorFlow, ONNX Runtime or the operating system failed on input that passed validation. */
    static final int BACKEND_FAILURE = 3;
    /** A defect in smoothcal itself (an impossible state, or any exception smoothcal did not expect). */
    static final int DEFECT = 70;

    private ExitCode() {
    }

    /**
     * The exit code for an error of {@code kind}.
     *
     * @param kind what went wrong
     * @return 2, 1, 3 or 70
     */
    static int of(SmoothcalException.Kind kind) {
        return switch (kind) {
            case BAD_INPUT -> BAD_INPUT;
            case CHECK_FAILED -> CHECK_FAILED;
            case BACKEND_FAILURE -> BACKEND_FAILURE;
            case DEFECT -> DEFECT;
        };
    }
}
