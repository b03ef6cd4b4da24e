package dev.smoothcal.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * JUnit condition that lets a container test class run only when a Docker engine answers and both
 * smoothcal images exist locally. Otherwise the class is skipped with the reason printed
 * ({@code it.docker=auto}, the default) or fails ({@code it.docker=required}).
 *
 * <p>Image names come from the system properties {@code it.image.full} and {@code it.image.evaluator}
 * (set by the module's pom from the project version).
 */
final class SmoothcalImages implements ExecutionCondition {

    static final String FULL = System.getProperty("it.image.full", "smoothcal:latest");
    static final String EVALUATOR = System.getProperty("it.image.evaluator", "smoothcal-evaluator:latest");
    /** Checked only by {@link SmoothcalSparkImage}: built when cli/target/dist-spark exists. */
    static final String SPARK = System.getProperty("it.image.spark", "smoothcal-spark:latest");

    /** Checked once per test JVM; null while unchecked. */
    private static Optional<String> problem;

    /**
     * Decided once per test class, before its {@code @BeforeAll} methods (which start containers).
     * A disabled test is reported as skipped, with the reason, by JUnit and by Maven.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return decide(context, "the smoothcal images", problem());
    }

    /** Enabled without a problem; otherwise skipped with the reason, or failed with {@code it.docker=required}. */
    static ConditionEvaluationResult decide(ExtensionContext context, String what, Optional<String> reason) {
        DockerMode mode = DockerMode.fromSystemProperty();
        if (reason.isEmpty()) {
            return ConditionEvaluationResult.enabled("Docker engine and " + what + " found");
        }
        String message = context.getDisplayName() + " needs Docker and " + what + ": " + reason.get();
        if (mode == DockerMode.REQUIRED) {
            fail(message + " (failing because -D" + DockerMode.PROPERTY + "=required)");
        }
        System.out.println("[it-tests] SKIPPED " + message
                + " (pass -D" + DockerMode.PROPERTY + "=required to fail instead)");
        return ConditionEvaluationResult.disabled(message);
    }

    private static synchronized Optional<String> problem() {
        if (problem == null) {
            problem = check();
        }
        return problem;
    }

    private static Optional<String> check() {
        Optional<String> engine = engineProblem();
        if (engine.isPresent()) {
            return engine;
        }
        for (String[] image : new String[][] {
            {FULL, System.getProperty("it.dist.dir")},
            {EVALUATOR, System.getProperty("it.dist-evaluator.dir")},
        }) {
            Optional<String> missing = imageProblem(image[0], image[1], "./mvnw -B -DskipTests package -pl cli -am");
            if (missing.isPresent()) {
                return missing;
            }
        }
        return Optional.empty();
    }

    /** Why no Docker engine can be used, if none answers. */
    static Optional<String> engineProblem() {
        DockerApiVersion.adaptToEngine();
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            return Optional.of("no Docker engine answers (DOCKER_HOST="
                    + Optional.ofNullable(System.getenv("DOCKER_HOST")).orElse("unset")
                    + "); on CI run scripts/ci-setup-docker.sh as root");
        }
        return Optional.empty();
    }

    /** Why {@code image} cannot be used, if it is missing; warns when it was built from another {@code distDir}. */
    static Optional<String> imageProblem(String image, String distDir, String distBuild) {
        DockerClient client = DockerClientFactory.instance().client();
        InspectImageResponse found;
        try {
            found = client.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            return Optional.of("image " + image + " is missing; build it with docker/build-images.sh"
                    + " (after " + distBuild + ")");
        }
        warnIfStale(image, found, distDir);
        return Optional.empty();
    }

    private static void warnIfStale(String image, InspectImageResponse found, String distDir) {
        if (distDir == null || !Files.isDirectory(Path.of(distDir))) {
            return;
        }
        Map<String, String> labels = found.getConfig() == null ? null : found.getConfig().getLabels();
        String built = labels == null ? null : labels.get(DistFingerprint.LABEL);
        String current = DistFingerprint.of(Path.of(distDir));
        if (!current.equals(built)) {
            System.out.println("[it-tests] WARNING image " + image + " was not built from " + distDir
                    + " as it is now; run docker/build-images.sh to test the current build");
        }
    }
}
