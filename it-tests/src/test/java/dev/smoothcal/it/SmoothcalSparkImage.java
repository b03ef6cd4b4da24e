package dev.smoothcal.it;

import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Like {@link SmoothcalImages}, for the image with Apache Spark ({@code it.image.spark}, built from
 * cli/target/dist-spark): runs the class only when a Docker engine answers and that image exists; otherwise
 * skips it visibly, or fails it with {@code it.docker=required}.
 */
final class SmoothcalSparkImage implements ExecutionCondition {

    /** Checked once per test JVM; null while unchecked. */
    private static Optional<String> problem;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return SmoothcalImages.decide(context, "the image " + SmoothcalImages.SPARK, problem());
    }

    private static synchronized Optional<String> problem() {
        if (problem == null) {
            problem = SmoothcalImages.engineProblem().or(() -> SmoothcalImages.imageProblem(SmoothcalImages.SPARK,
                    System.getProperty("it.dist-spark.dir"), "./mvnw -B -Pspark -DskipTests package -pl cli -am"));
        }
        return problem;
    }
}
