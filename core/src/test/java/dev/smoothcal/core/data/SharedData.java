package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real datasets in {@code shared/data}, reached from the module directory (surefire's working
 * directory) as {@code ../../shared/data}: the checkout sits beside {@code shared/}. A test that needs a
 * missing file is skipped visibly, with the path in the reason.
 */
final class SharedData {
    static final Path ROOT = Path.of("../../shared/data");

    private SharedData() {
    }

    /** {@code ROOT/relative}, or a JUnit assumption failure naming it. */
    static Path require(String relative) {
        Path p = ROOT.resolve(relative);
        assumeTrue(Files.exists(p), () -> "shared dataset not found at " + p.toAbsolutePath().normalize()
                + " (expected the checkout beside shared/data); skipping");
        return p;
    }
}
