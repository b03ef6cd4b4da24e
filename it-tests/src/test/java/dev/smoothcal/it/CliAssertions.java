package dev.smoothcal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;

/** The CLI's error contract: non-zero exit, one line on stderr that says what is wrong, no stack trace. */
final class CliAssertions {

    private CliAssertions() {}

    static void assertSucceeded(CliResult r) {
        assertEquals(0, r.exitCode(), r::describe);
    }

    static void assertCleanFailure(CliResult r, Pattern mustMention) {
        assertNotEquals(0, r.exitCode(), () -> "expected a failure; " + r.describe());
        String err = r.stderr().strip();
        assertFalse(err.isEmpty(), () -> "expected an error message on stderr; " + r.describe());
        assertFalse(err.contains("Exception in thread") || err.contains("\tat "),
                () -> "expected a message, not a stack trace; " + r.describe());
        assertEquals(1, err.lines().count(), () -> "expected one line on stderr; " + r.describe());
        assertTrue(mustMention.matcher(err).find(),
                () -> "expected stderr to match /" + mustMention + "/; " + r.describe());
    }
}
