package dev.smoothcal.cli;

import dev.smoothcal.core.io.OutputDirectory;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out} and {@code --overwrite}, shared by the commands that write a folder. */
final class OutputOptions {
    @Option(names = "--overwrite", description = "Replace files of an earlier run in --out (other files are kept).")
    boolean overwrite;

    OutputDirectory.Overwrite policy() {
        return overwrite ? OutputDirectory.Overwrite.REPLACE : OutputDirectory.Overwrite.REFUSE;
    }

    static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
    }
}
