package dev.smoothcal.core.io;

import dev.smoothcal.core.SmoothcalException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader sees either the old content or the whole new content, never half:
 * the bytes go to a temporary file in the same folder, which is then renamed over the target.
 */
public final class AtomicFiles {

    /** Writes bytes to an output stream; may throw I/O errors. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the whole content.
         *
         * @param out the temporary file's stream; closed by the caller
         * @throws IOException when writing fails; the target is then left as it was
         */
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically through {@code writer}. Creates missing parent folders.
     *
     * @param target the file to write; replaced whole when it exists
     * @param writer writes the content
     */
    public static void write(Path target, Writer writer) {
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            // Not Files.createTempFile: its 0600 mode would survive the rename and hide the file from
            // other users (a non-root container reading a mounted run, say). CREATE_NEW honours the umask.
            // The name carries this process's id, so the next write of the same target can remove the
            // temporary file of a process that was killed while writing.
            Leftovers.removeStale(parent, "." + target.getFileName() + ".");
            tmp = parent.resolve("." + target.getFileName() + "." + Leftovers.tag() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                writer.write(out);
            }
            moveReplacing(tmp, target);
            tmp = null;
        } catch (IOException e) {
            throw new SmoothcalException("could not write " + target + ": " + describe(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is what matters
                }
            }
        }
    }

    /**
     * Writes UTF-8 text atomically.
     *
     * @param target the file to write
     * @param text the content
     */
    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Writes bytes atomically.
     *
     * @param target the file to write
     * @param bytes the content
     */
    public static void writeBytes(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    /** Renames {@code from} to {@code to}, atomically where the file system allows, replacing a file. */
    static void moveReplacing(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * A short description of an I/O failure for a one-line message.
     *
     * @param e the failure
     * @return its simple type without {@code Exception}, then its message in brackets when it has one
     */
    public static String describe(IOException e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? kind : kind + " (" + e.getMessage() + ")";
    }

    /**
     * Deletes a file tree, ignoring what is already gone.
     *
     * @param root a file or folder; links are deleted, not followed
     */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new SmoothcalException("could not delete " + root + ": " + e.getMessage(), e);
        }
    }
}
