package dev.smoothcal.core.io;

import dev.smoothcal.core.SmoothcalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A command's output folder, filled in a hidden staging folder beside it and moved into place only
 * when the command succeeds, so a failure leaves no half-written output.
 *
 * <p>Usage: {@code try (OutputDirectory out = OutputDirectory.open(dir, policy)) { write under
 * out.staging(); out.commit(); }}. Closing without {@link #commit()} deletes the staging folder.
 *
 * <p>The target may be absent (it is created), an empty folder, or a folder that already holds
 * files. A staged entry whose name already exists in the target replaces it only under
 * {@link Overwrite#REPLACE}; under {@link Overwrite#REFUSE} the clash is reported by
 * {@link #requireNoClash(List)} before any work starts. Other files in the target are never touched.
 *
 * <p>Replacement is transactional: {@link #commit()} first moves the entries it replaces aside, then moves
 * the staged ones in, and only then deletes the old ones; if a move fails, what was moved is put back. Until
 * then the old entries are untouched, so a command that fails (or is killed) leaves the target as it was.
 * The staging folder's name carries the writer's process id ({@code .NAME.staging-PID-UUID}); a later
 * {@link #open} of the same target removes those whose process is gone. A JVM that exits before
 * {@link #close()} (SIGTERM, Ctrl-C) removes its staging folder in a shutdown hook; after SIGKILL the next
 * writer does.
 */
public final class OutputDirectory implements AutoCloseable {

    /** What to do with entries of the target that the command would write again. */
    public enum Overwrite {
        /** Fail before any work when the target already holds an entry to write. */
        REFUSE,
        /** Replace the entries written again; leave every other file as it is. */
        REPLACE
    }

    private final Path target;
    private final Path staging;
    private final Overwrite overwrite;
    private boolean committed;

    /** Removes the staging folder when the JVM exits before {@link #close()} (SIGTERM, Ctrl-C, System.exit). */
    private final Thread onExit;

    private OutputDirectory(Path target, Path staging, Overwrite overwrite) {
        this.target = target;
        this.staging = staging;
        this.overwrite = overwrite;
        this.onExit = new Thread(() -> {
            try {
                AtomicFiles.deleteTree(staging);
            } catch (RuntimeException e) {
                // the next open of the same target removes it
            }
        }, "smoothcal-staging-cleanup");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /**
     * Checks {@code target} can be an output folder and creates the staging folder beside it.
     *
     * @param target the output folder, parameter {@code output}
     * @param overwrite whether entries of an earlier run in {@code target} may be replaced
     * @return the open output folder, to close
     * @throws SmoothcalException naming {@code output} if the target is a file; bad input if its parent
     *     cannot be written
     */
    public static OutputDirectory open(Path target, Overwrite overwrite) {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw SmoothcalException.invalid("output", "must be a folder (new or existing), found a file: " + target);
        }
        Path parent = abs.getParent();
        String prefix = "." + abs.getFileName() + ".staging-";
        for (Path above = parent; above != null; above = above.getParent()) {
            if (Files.exists(above)) {
                if (!Files.isDirectory(above)) {
                    throw SmoothcalException.invalid("output", "cannot be created: " + target + ": expected folders "
                            + "above it, found the file " + above);
                }
                break;
            }
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw SmoothcalException.invalid("output", "cannot be created: " + target + ": " + AtomicFiles.describe(e));
        }
        Leftovers.removeStale(parent, prefix);
        if (Files.isDirectory(abs)) {
            requireWritable(abs, target);
        }
        try {
            Path staging = parent.resolve(prefix + Leftovers.tag());
            Files.createDirectory(staging);
            return new OutputDirectory(abs, staging, overwrite);
        } catch (IOException e) {
            throw SmoothcalException.invalid("output", "cannot be created: " + target + ": " + AtomicFiles.describe(e));
        }
    }

    /** Fails unless a file can be created in the existing folder {@code dir} (a probe, removed at once). */
    private static void requireWritable(Path dir, Path shown) {
        Path probe = dir.resolve(".smoothcal-probe-" + Leftovers.tag() + ".tmp");
        try {
            Files.createFile(probe);
            Files.delete(probe);
        } catch (IOException e) {
            throw SmoothcalException.invalid("output", "is not writable: " + shown + ": " + AtomicFiles.describe(e));
        }
    }

    /**
     * Where to write: everything here moves to the target on {@link #commit()}.
     *
     * @return the staging folder beside the target
     */
    public Path staging() {
        return staging;
    }

    /**
     * The final folder.
     *
     * @return the target folder, absolute and normalised
     */
    public Path target() {
        return target;
    }

    /**
     * The entries among {@code names} that the target already holds and the policy forbids replacing:
     * none under {@link Overwrite#REPLACE}.
     *
     * @param names the entries the command will write
     * @return the clashing names, in the order given; empty when there is no clash
     */
    public List<String> clashes(List<String> names) {
        List<String> clashes = new ArrayList<>();
        if (overwrite == Overwrite.REPLACE || !Files.isDirectory(target)) {
            return clashes;
        }
        for (String name : names) {
            if (Files.exists(target.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                clashes.add(name);
            }
        }
        return clashes;
    }

    /**
     * Fails when the target already holds any of {@code names} and the policy is {@link Overwrite#REFUSE}
     * (see {@link #clashes(List)}). Call it before any expensive work.
     *
     * @param names the entries the command will write
     * @throws SmoothcalException naming {@code output} when there is a clash
     */
    public void requireNoClash(List<String> names) {
        List<String> clashes = clashes(names);
        if (!clashes.isEmpty()) {
            throw SmoothcalException.invalid("output", target + " already holds " + String.join(", ", clashes)
                    + "; expected a new or empty folder (or Overwrite.REPLACE to replace them)");
        }
    }

    /**
     * Moves every staged entry into the target, replacing same-named entries, then removes staging.
     *
     * @throws SmoothcalException a backend failure when the file system refuses a move
     */
    public void commit() {
        Path aside = staging.resolveSibling(staging.getFileName() + ".old");
        List<String> movedAside = new ArrayList<>();
        List<String> movedIn = new ArrayList<>();
        try {
            Files.createDirectories(target);
            List<Path> entries;
            try (Stream<Path> s = Files.list(staging)) {
                entries = s.sorted().toList();
            }
            Files.createDirectory(aside);
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (Files.exists(target.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(target.resolve(name), aside.resolve(name));
                    movedAside.add(name);
                }
            }
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                Files.move(entry, target.resolve(name));
                movedIn.add(name);
            }
            committed = true;
        } catch (IOException e) {
            rollBack(aside, movedAside, movedIn);
            throw SmoothcalException.backend("could not move results into " + target + ": " + AtomicFiles.describe(e), e);
        } finally {
            AtomicFiles.deleteTree(staging);
            if (committed || movedAside.isEmpty()) {
                AtomicFiles.deleteTree(aside);
            }
        }
    }

    /** Puts the target back as it was before a failed {@link #commit()}, as far as the file system lets it. */
    private void rollBack(Path aside, List<String> movedAside, List<String> movedIn) {
        try {
            for (String name : movedIn) {
                Files.move(target.resolve(name), staging.resolve(name));
            }
            for (String name : movedAside) {
                Files.move(aside.resolve(name), target.resolve(name));
            }
        } catch (IOException ignored) {
            // the old entries stay in the aside folder, which is kept
        }
    }

    /** Deletes the staging folder unless committed. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook removes the staging folder
        }
        if (!committed) {
            AtomicFiles.deleteTree(staging);
        }
    }
}
