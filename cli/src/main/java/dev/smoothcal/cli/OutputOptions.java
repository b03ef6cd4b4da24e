package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.io.OutputDirectory;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --out} and {@code --overwrite}, shared by the commands that write a folder. */
final class OutputOptions {
    @Option(names = "--overwrite", description = "Replace files of an earlier run in --out (other files are kept).")
    boolean overwrite;

    OutputDirectory.Overwrite policy() {
        return overwrite ? OutputDirectory.Overwrite.REPLACE : OutputDirectory.Overwrite.REFUSE;
    }

    /**
     * Fails when {@code dir} already holds any of {@code names} that its policy forbids replacing, saying
     * which flag allows it. Call it before any expensive work.
     *
     * @param dir the open output folder of {@code --out}
     * @param names the entries the command will write
     */
    static void requireNoClash(OutputDirectory dir, List<String> names) {
        List<String> clashes = dir.clashes(names);
        if (!clashes.isEmpty()) {
            throw new SmoothcalException("--out " + dir.target() + " already holds " + String.join(", ", clashes)
                    + "; expected a new or empty folder (pass --overwrite to replace them)");
        }
    }

    static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
    }
}
