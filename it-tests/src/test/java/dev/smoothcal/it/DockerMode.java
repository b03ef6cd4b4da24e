package dev.smoothcal.it;

import java.util.Locale;

/** What the container tests do when Docker or the smoothcal images are missing. */
enum DockerMode {
    /** Skip visibly, with the reason (developer machines without Docker). */
    AUTO,
    /** Fail (CI, where scripts/ci-setup-docker.sh prepared the engine and images). */
    REQUIRED;

    static final String PROPERTY = "it.docker";

    static DockerMode fromSystemProperty() {
        return parse(System.getProperty(PROPERTY, "auto"));
    }

    static DockerMode parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "auto" -> AUTO;
            case "required" -> REQUIRED;
            default -> throw new IllegalArgumentException(
                    "system property " + PROPERTY + " must be 'auto' or 'required', found '" + value + "'");
        };
    }
}
