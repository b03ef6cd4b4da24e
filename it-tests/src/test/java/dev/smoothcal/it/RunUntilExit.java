package dev.smoothcal.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;

/**
 * Startup check for command-line containers: "started" means the command has finished, whatever its
 * exit code (Testcontainers' one-shot check treats a non-zero exit as a failed start, but the tests
 * need to look at failing commands too).
 */
final class RunUntilExit extends StartupCheckStrategy {

    @Override
    public StartupStatus checkStartupState(DockerClient client, String containerId) {
        InspectContainerResponse.ContainerState state = getCurrentState(client, containerId);
        if (Boolean.TRUE.equals(state.getRunning())) {
            return StartupStatus.NOT_YET_KNOWN;
        }
        return state.getExitCodeLong() != null ? StartupStatus.SUCCESSFUL : StartupStatus.NOT_YET_KNOWN;
    }
}
