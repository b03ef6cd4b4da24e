package dev.smoothcal.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame.OutputType;
import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs the packaged `smoothcal` command (the image's entrypoint) once in a fresh container and
 * returns its exit code and output. Images are never pulled: they are built locally by
 * docker/build-images.sh, and no registry is reachable on CI.
 */
final class SmoothcalCli {

    /** Local images only. */
    static final ImagePullPolicy NEVER_PULL = image -> false;

    private final String image;
    private final List<Bind> binds = new ArrayList<>();
    private Duration timeout = Duration.ofMinutes(3);
    private String entrypoint;
    private boolean hostNetwork;

    private record Bind(Path host, String container, BindMode mode) {}

    private SmoothcalCli(String image) {
        this.image = image;
    }

    static SmoothcalCli in(String image) {
        return new SmoothcalCli(image);
    }

    SmoothcalCli bind(Path hostFolder, String containerPath, BindMode mode) {
        binds.add(new Bind(hostFolder.toAbsolutePath(), containerPath, mode));
        return this;
    }

    SmoothcalCli timeout(Duration limit) {
        this.timeout = limit;
        return this;
    }

    /** Shares the host's network: the container reaches, and binds, the host's 127.0.0.1 (the Spark cluster). */
    SmoothcalCli hostNetwork() {
        this.hostNetwork = true;
        return this;
    }

    /** Runs another program of the image instead of `smoothcal` (housekeeping only). */
    SmoothcalCli entrypoint(String program) {
        this.entrypoint = program;
        return this;
    }

    CliResult run(String... args) {
        try (GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))) {
            container.withImagePullPolicy(NEVER_PULL)
                    .withCommand(args)
                    .withStartupCheckStrategy(new RunUntilExit().withTimeout(timeout))
                    .withStartupTimeout(timeout);
            if (entrypoint != null) {
                container.withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint(entrypoint));
            }
            if (hostNetwork) {
                container.withNetworkMode("host");
            }
            for (Bind b : binds) {
                container.withFileSystemBind(b.host().toString(), b.container(), b.mode());
            }
            long started = System.nanoTime();
            container.start();
            long exit = container.getCurrentContainerInfo().getState().getExitCodeLong();
            System.out.printf("[it-tests] %s %s -> exit %d in %.1f s%n",
                    image, (entrypoint == null ? "" : "[" + entrypoint + "] ") + String.join(" ", args), exit, (System.nanoTime() - started) / 1e9);
            return new CliResult(exit, container.getLogs(OutputType.STDOUT), container.getLogs(OutputType.STDERR));
        }
    }
}
