package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;

/** Turns what a Spark job threw into smoothcal's own exception, keeping the cause. */
final class SparkFailures {
    private SparkFailures() {
    }

    /**
     * The {@link SmoothcalException} a task threw (Spark wraps it, or carries only its text when the task ran
     * in another JVM), else a backend failure naming Spark's message.
     */
    static SmoothcalException translate(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SmoothcalException s) {
                return s;
            }
        }
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = message.indexOf('\n');
        return SmoothcalException.backend("the Spark job failed: " + (nl < 0 ? message : message.substring(0, nl)), e);
    }
}
