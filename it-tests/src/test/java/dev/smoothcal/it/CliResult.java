package dev.smoothcal.it;

/** Outcome of one `smoothcal` command run in a container. */
record CliResult(long exitCode, String stdout, String stderr) {

    /** For assertion messages: everything a reader needs to see why a run went wrong. */
    String describe() {
        return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
}
