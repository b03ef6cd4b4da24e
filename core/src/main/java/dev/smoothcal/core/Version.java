package dev.smoothcal.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The smoothcal version, filtered into a resource at build time. */
public final class Version {
    private static final String VERSION = load();

    private Version() {
    }

    /**
     * For example {@code 0.1.0-SNAPSHOT}.
     *
     * @return the version this jar was built as
     */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/dev/smoothcal/core/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
