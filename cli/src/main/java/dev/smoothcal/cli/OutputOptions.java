package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --out} and {@code --overwrite}, shared by the commands that write a folder. */
final class OutputOptions {
    @Option(names = "--overwrite", description = "Replace the files this command writes where an earlier run left "
            + "them (other files are kept).")
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

    /**
     * Checks, before any work, that the single file {@code file} given to {@code flag} can be written: not a
     * folder, not an existing file unless {@code --overwrite}, and below a folder that takes new files (the
     * nearest existing one, probed with an empty file that is removed at once; nothing is created).
     *
     * @param flag the flag that named the file, such as {@code --export-calibrated}
     * @param file the file to write
     */
    void requireWritableFile(String flag, Path file) {
        Path abs = absolute(file);
        if (Files.isDirectory(abs)) {
            throw new SmoothcalException(flag + " " + file + " is a folder; expected a file to write");
        }
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !overwrite) {
            throw new SmoothcalException(flag + " " + file + " already exists; expected a new file (pass --overwrite "
                    + "to replace it)");
        }
        // The nearest folder that exists must take new entries (missing ones are created when writing, so a
        // command that fails first leaves no empty folder behind).
        Path existing = abs.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new SmoothcalException(flag + " " + file + " cannot be written: expected its folder to be a folder, "
                    + "found " + (existing == null ? "no folder above it" : "the file " + existing));
        }
        try {
            Path probe = Files.createTempFile(existing, "." + abs.getFileName() + ".probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new SmoothcalException(flag + " " + file + " cannot be written: " + AtomicFiles.describe(e));
        }
    }

    static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
    }
}
