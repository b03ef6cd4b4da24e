package dev.smoothcal.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.smoothcal.core.SmoothcalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staging folders and temporary files that a killed process left behind are removed by the next writer. */
class OutputDirectoryTest {
    @TempDir
    Path tmp;

    /** The id of a process that has ended (and, with pid_max far above, is not reused within the test). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theStagingFolderOfAGoneProcessIsRemovedAndALiveOneKept() throws Exception {
        Path dead = Files.createDirectories(tmp.resolve(".out.staging-" + Leftovers.tag(deadPid())));
        Files.writeString(dead.resolve("report.json"), "half");
        Path live = Files.createDirectories(tmp.resolve(".out.staging-" + Leftovers.tag(ProcessHandle.current().parent()
                .orElseThrow().pid())));
        // A dead PID of another PID namespace (another container on a shared folder) may be alive there: kept.
        Path foreign = Files.createDirectories(tmp.resolve(".out.staging-" + deadPid() + "-" + (Leftovers.NAMESPACE + 1)
                + "-" + UUID.randomUUID()));
        Path unknown = Files.createDirectories(tmp.resolve(".out.staging-mine"));
        try (OutputDirectory out = OutputDirectory.open(tmp.resolve("out"), OutputDirectory.Overwrite.REFUSE)) {
            assertTrue(out.staging().getFileName().toString().startsWith(".out.staging-" + ProcessHandle.current().pid()
                    + "-"), out.staging().toString());
            assertFalse(Files.exists(dead), "stale staging removed");
            assertTrue(Files.exists(live), "a live process's staging kept");
            assertTrue(Files.exists(unknown), "a name smoothcal did not write kept");
            assertTrue(Files.exists(foreign), "another namespace's staging kept");
        }
    }

    @Test
    void aTemporaryFileOfAGoneProcessIsRemovedByTheNextWriteOfTheSameFile() throws Exception {
        Path stale = Files.createFile(tmp.resolve(".model.onnx." + Leftovers.tag(deadPid()) + ".tmp"));
        AtomicFiles.writeString(tmp.resolve("model.onnx"), "x");
        assertFalse(Files.exists(stale));
        assertEquals(List.of("model.onnx"), names());
    }

    @Test
    void aFailedCommandLeavesNothingAndTheOldEntriesStayUntilCommit() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("out"));
        Files.createDirectories(target.resolve("checkpoints"));
        Files.writeString(target.resolve("checkpoints/state.json"), "old");
        try (OutputDirectory out = OutputDirectory.open(target, OutputDirectory.Overwrite.REPLACE)) {
            Files.createDirectories(out.staging().resolve("checkpoints"));
            Files.writeString(out.staging().resolve("checkpoints/state.json"), "new");
            assertEquals("old", Files.readString(target.resolve("checkpoints/state.json")), "untouched before commit");
        }
        assertEquals("old", Files.readString(target.resolve("checkpoints/state.json")), "untouched after a failure");
        assertEquals(List.of("out"), names());
        try (OutputDirectory out = OutputDirectory.open(target, OutputDirectory.Overwrite.REPLACE)) {
            Files.createDirectories(out.staging().resolve("checkpoints"));
            Files.writeString(out.staging().resolve("checkpoints/state.json"), "new");
            out.commit();
        }
        assertEquals("new", Files.readString(target.resolve("checkpoints/state.json")));
        assertEquals(List.of("out"), names(), "no staging or aside folder left");
    }

    @Test
    void aReadOnlyTargetIsRefusedBeforeAnyWork() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root writes into read-only folders");
        Path target = Files.createDirectories(tmp.resolve("ro"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            SmoothcalException e = assertThrows(SmoothcalException.class,
                    () -> OutputDirectory.open(target, OutputDirectory.Overwrite.REPLACE));
            assertEquals("output", e.parameter().orElseThrow());
            assertTrue(e.getMessage().contains("is not writable"), e.getMessage());
            assertEquals(List.of("ro"), names());
        } finally {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
