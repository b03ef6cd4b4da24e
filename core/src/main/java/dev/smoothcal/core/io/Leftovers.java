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
 * those a killed process left behind. Every such name embeds the writer's process id and PID namespace
 * ({@code .NAME.staging-PID-NS-UUID}, {@code .NAME.PID-NS-UUID.tmp}); one is left over when it was written
 * in this PID namespace and no live process has that id, or the live one started after the entry was last
 * modified (the id was reused). Entries of another namespace (another container writing to a shared
 * folder, whose processes this one cannot see) are never removed.
 */
final class Leftovers {
    private static final Pattern OWNER = Pattern.compile("[.-](\\d+)-(\\d+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
            + "[0-9a-f]{12}(\\.old|\\.tmp)?$");

    private Leftovers() {
    }

    /** This process's PID namespace (the inode of /proc/self/ns/pid), 0 where there is none to read. */
    static final long NAMESPACE = namespace();

    private static long namespace() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            return Long.parseLong(link.replaceAll("\\D", ""));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {@code PID-NS-UUID} of this process, for a new working name. */
    static String tag() {
        return tag(ProcessHandle.current().pid());
    }

    /** {@code PID-NS-UUID} for process {@code pid} of this namespace. */
    static String tag(long pid) {
        return pid + "-" + NAMESPACE + "-" + UUID.randomUUID();
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
            if (Long.parseLong(m.group(2)) != NAMESPACE) {
                return false;
            }
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
