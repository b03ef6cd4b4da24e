package dev.smoothcal.cli;

/** Process exit codes of the {@code smoothcal} command. */
final class ExitCode {
    /** Success. */
    static final int OK = 0;
    /** The command ran but a check failed (for example parity outside tolerance). */
    static final int CHECK_FAILED = 1;
    /** Bad input: an unknown flag, a value out of range, a missing or unreadable file. */
    static final int BAD_INPUT = 2;
    /** A defect in smoothcal itself. */
    static final int INTERNAL = 70;

    private ExitCode() {
    }
}
