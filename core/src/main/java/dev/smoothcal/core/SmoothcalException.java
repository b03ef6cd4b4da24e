package dev.smoothcal.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The project's own unchecked exception: a one-line message a user can act on, saying what was
 * expected and what was found, with a {@link Kind} that tells a caller what went wrong and, for bad
 * input, the library parameter at fault.
 *
 * <p>Vendor exceptions (TensorFlow, ONNX Runtime, I/O) are translated into this type at module
 * boundaries, keeping the original as the cause. Messages speak the library's language: a parameter is
 * named as the Java API names it ({@code labelSmoothing}), never as a command-line flag; adapters such as
 * the CLI map {@link #parameter()} to their own spelling with {@link #messageNaming(String)}.
 */
public class SmoothcalException extends RuntimeException {
    private static final long serialVersionUID = 2L;

    /** What went wrong, so that adapters can react (the CLI maps each kind to an exit code). */
    public enum Kind {
        /** The caller's input is unusable: a value out of range, a missing or corrupt file, data that does not fit. */
        BAD_INPUT,
        /** The work ran but a check it was asked to make failed (parity outside tolerance, a quality gate). */
        CHECK_FAILED,
        /** TensorFlow, ONNX Runtime or the operating system failed on valid input. */
        BACKEND_FAILURE,
        /** A defect in smoothcal itself: a state its own code should never reach. */
        DEFECT
    }

    /** What went wrong, for the adapter to map (an exit code, an HTTP status). */
    private final Kind kind;
    /** The library parameter at fault, or null when the error names none. */
    private final String parameter;

    /**
     * A {@link Kind#BAD_INPUT} error not tied to one parameter.
     *
     * @param message what was expected and what was found
     */
    public SmoothcalException(String message) {
        this(Kind.BAD_INPUT, null, message, null);
    }

    /**
     * A {@link Kind#BAD_INPUT} error caused by {@code cause} (a parse or I/O error of the user's file).
     *
     * @param message what was expected and what was found
     * @param cause the vendor exception, kept for the stack trace
     */
    public SmoothcalException(String message, Throwable cause) {
        this(Kind.BAD_INPUT, null, message, cause);
    }

    /**
     * The general form.
     *
     * @param kind what went wrong
     * @param parameter the library parameter at fault, or null
     * @param message one line; when {@code parameter} is given it starts with it
     * @param cause the underlying exception, or null
     */
    protected SmoothcalException(Kind kind, String parameter, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.parameter = parameter;
        if (parameter != null && (message == null || !message.startsWith(parameter))) {
            throw defect("message must start with the parameter '" + parameter + "': " + message);
        }
    }

    /**
     * Bad input: parameter {@code parameter} has an unusable value. The message is
     * {@code parameter + " " + problem}, for example {@code invalid("labelSmoothing", "must be in [0, 1),
     * found 1.5")} reads "labelSmoothing must be in [0, 1), found 1.5"; a problem that starts with a colon
     * follows the name directly: {@code invalid("model", ": expected an .onnx file, found nothing at m")}
     * reads "model: expected an .onnx file, found nothing at m".
     *
     * @param parameter the parameter's name as the Java API spells it
     * @param problem what was expected and what was found, without the name
     * @return the exception, for the caller to throw
     */
    public static SmoothcalException invalid(String parameter, String problem) {
        return new SmoothcalException(Kind.BAD_INPUT, parameter, naming(parameter, problem), null);
    }

    /**
     * Bad input that concerns a parameter, with an underlying cause (for example a file that cannot be
     * parsed); the message is formed as by {@link #invalid(String, String)}.
     *
     * @param parameter the parameter's name as the Java API spells it
     * @param problem what was expected and what was found, without the name
     * @param cause the vendor exception
     * @return the exception, for the caller to throw
     */
    public static SmoothcalException invalid(String parameter, String problem, Throwable cause) {
        return new SmoothcalException(Kind.BAD_INPUT, parameter, naming(parameter, problem), cause);
    }

    private static String naming(String parameter, String problem) {
        return problem.startsWith(":") ? parameter + problem : parameter + " " + problem;
    }

    /**
     * A check that the caller asked for failed.
     *
     * @param message which check, the value found and the bound
     * @return the exception, for the caller to throw
     */
    public static SmoothcalException checkFailed(String message) {
        return new SmoothcalException(Kind.CHECK_FAILED, null, message, null);
    }

    /**
     * TensorFlow, ONNX Runtime or the operating system failed on input that passed validation.
     *
     * @param message what smoothcal was doing and what the backend said
     * @param cause the vendor exception
     * @return the exception, for the caller to throw
     */
    public static SmoothcalException backend(String message, Throwable cause) {
        return new SmoothcalException(Kind.BACKEND_FAILURE, null, message, cause);
    }

    /**
     * A defect in smoothcal: a state that validated input can never reach.
     *
     * @param message the state found
     * @return the exception, for the caller to throw
     */
    public static SmoothcalException defect(String message) {
        return new SmoothcalException(Kind.DEFECT, null, message, null);
    }

    /**
     * A defect in smoothcal, with the exception that revealed it.
     *
     * @param message the state found
     * @param cause the exception that revealed it
     * @return the exception, for the caller to throw
     */
    public static SmoothcalException defect(String message, Throwable cause) {
        return new SmoothcalException(Kind.DEFECT, null, message, cause);
    }

    /**
     * What went wrong.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The library parameter at fault, as the Java API spells it ({@code labelSmoothing}); empty when the
     * error is not about one parameter.
     *
     * @return the parameter's name, or empty
     */
    public Optional<String> parameter() {
        return Optional.ofNullable(parameter);
    }

    /**
     * The message with the parameter's name replaced by {@code name} (an adapter's spelling, such as a
     * command-line flag); the message itself when no parameter is named.
     *
     * @param name what to call the parameter
     * @return the one-line message
     */
    public String messageNaming(String name) {
        String message = getMessage();
        return parameter == null ? message : name + message.substring(parameter.length());
    }
}
