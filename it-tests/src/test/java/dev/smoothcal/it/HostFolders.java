package dev.smoothcal.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.testcontainers.containers.BindMode;

/**
 * Host folders shared with containers. The images run as a fixed non-root user (uid 10001), which
 * owns nothing on the host: a folder it writes to must be writable for everyone.
 */
final class HostFolders {

    private HostFolders() {}

    /** Creates {@code parent/name}, writable by the container's user. */
    static Path writableByContainer(Path parent, String name) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    /**
     * Makes what the container user wrote in {@code dir} writable for everyone, so that a non-root
     * host user can delete it afterwards (the container user's folders are 0755 otherwise).
     */
    static void releaseToHost(String image, Path dir) {
        CliResult r = SmoothcalCli.in(image)
                .bind(dir, "/data/out", BindMode.READ_WRITE)
                .entrypoint("find")
                .run("/data/out", "-mindepth", "1", "-user", "smoothcal", "-exec", "chmod", "a+rwX", "{}", "+");
        assertEquals(0, r.exitCode(), () -> "making " + dir + " writable in a container failed: " + r.describe());
    }
}
