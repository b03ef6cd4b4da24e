package dev.smoothcal.core.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names for the hidden working files and folders smoothcal writes beside its outputs, and the removal of
 * those a killed process left behind. Every such name embeds the writer's process id
 * ({@code .NAME.staging-PID-UUID}, {@code .NAME.PID-UUID.tmp}); one is left over when no live process has
 * that id, or when the live one started after the entry was last modified (the id was reused).
 */
final class Leftovers {
    private static final Pattern OWNER = Pattern.compile("[.-](\\d+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
            + "[0-9a-f]{12}(\\.old|\\.tmp)?$");

    private Leftovers() {
    }

    /** {@code PID-UUID} of this process, for a new working name. */
    static String tag() {
        return ProcessHandle.current().pid() + "-" + UUID.randomUUID();
    }

    /**
     * Deletes the entries of {@code folder} whose name starts with {@code prefix} and carries the tag of a
     * process that is gone. Entries of live processes, and names it does not recognise, are kept; a
     * failure to delete is ignored (the next command tries again).
     *
     * @param folder where to look
     * @param prefix the start of the working names of one output, such as {@code .run.staging-}
     */
    static void removeStale(Path folder, String prefix) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, e -> e.getFileName().toString()
                .startsWith(prefix))) {
            for (Path entry : entries) {
                if (isStale(entry)) {
                    try {
                        AtomicFiles.deleteTree(entry);
                    } catch (RuntimeException e) {
                        // kept for the next command
                    }
                }
            }
        } catch (IOException e) {
            // an unreadable folder holds nothing we could remove
        }
    }

    static boolean isStale(Path entry) {
        Matcher m = OWNER.matcher(entry.getFileName().toString());
        if (!m.find()) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return false;
        }
        if (pid == ProcessHandle.current().pid()) {
            return false;
        }
        Optional<ProcessHandle> owner = ProcessHandle.of(pid);
        if (owner.isEmpty() || !owner.get().isAlive()) {
            return true;
        }
        Optional<Instant> started = owner.get().info().startInstant();
        try {
            Instant modified = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .lastModifiedTime().toInstant();
            // A live process that started after the entry was last written cannot have written it.
            return started.isPresent() && started.get().isAfter(modified.plusSeconds(1));
        } catch (IOException e) {
            return false;
        }
    }
}
