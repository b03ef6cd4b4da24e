package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one table from library parameter names (as the Java API spells them, {@code labelSmoothing}) to
 * the command-line flags that set them ({@code --label-smoothing}). Library errors name their parameter;
 * {@link #message} puts the flag in its place, so the user reads the flag they typed.
 *
 * <p>A parameter maps to the same flag in every command unless {@link #BY_COMMAND} says otherwise for
 * one command (bench takes its models from {@code --models}, train its resize from {@code --image-size}).
 * Parameters that no flag sets (Java-only arguments) are listed in {@link #LIBRARY_ONLY}; their messages are
 * printed as the library words them.
 */
final class Flags {
    /** Parameter to flag, for every command that has the flag. */
    static final Map<String, String> DEFAULT = Map.ofEntries(
            // train (and demo, bench)
            Map.entry("data", "--data"),
            Map.entry("model", "--model"),
            Map.entry("epochs", "--epochs"),
            Map.entry("batchSize", "--batch-size"),
            Map.entry("optimizer", "--optimizer"),
            Map.entry("learningRate", "--lr"),
            Map.entry("momentum", "--momentum"),
            Map.entry("weightDecay", "--weight-decay"),
            Map.entry("schedule", "--schedule"),
            Map.entry("stepEvery", "--step-every"),
            Map.entry("stepFactor", "--step-factor"),
            Map.entry("polyPower", "--poly-power"),
            Map.entry("warmupEpochs", "--warmup-epochs"),
            Map.entry("labelSmoothing", "--label-smoothing"),
            Map.entry("smoothingConvention", "--smoothing-convention"),
            Map.entry("smoothingMethod", "--smoothing-method"),
            Map.entry("mixupAlpha", "--mixup"),
            Map.entry("cutmixAlpha", "--cutmix"),
            Map.entry("mixProbability", "--mix-prob"),
            Map.entry("switchProbability", "--switch-prob"),
            Map.entry("mixMode", "--mix-mode"),
            Map.entry("cutmixMinmax", "--cutmix-minmax"),
            Map.entry("normalization", "--normalization"),
            Map.entry("shift", "--shift"),
            Map.entry("flip", "--flip"),
            Map.entry("seed", "--seed"),
            Map.entry("validationFraction", "--validation-fraction"),
            Map.entry("monitor", "--monitor"),
            Map.entry("patience", "--patience"),
            Map.entry("device", "--device"),
            Map.entry("output", "--out"),
            Map.entry("overwrite", "--overwrite"),
            Map.entry("checkpoints", "--resume"),
            Map.entry("recipe", "--config"),
            Map.entry("resize", "--resize"),
            // evaluate, compare
            Map.entry("split", "--split"),
            Map.entry("calibrateOn", "--calibrate-on"),
            Map.entry("exportCalibrated", "--export-calibrated"),
            Map.entry("calibrateSplit", "--calibrate-split"),
            Map.entry("calibrators", "--calibrators"),
            Map.entry("calibrator", "--calibrator"),
            Map.entry("provider", "--provider"),
            Map.entry("spinning", "--spinning"),
            Map.entry("bins", "--bins"),
            Map.entry("bootstrapReplicates", "--bootstrap"),
            Map.entry("layout", "--layout"),
            Map.entry("outputKind", "--outputs"),
            Map.entry("outputName", "--output-name"),
            Map.entry("scale", "--scale"),
            Map.entry("mean", "--mean"),
            Map.entry("std", "--std"),
            Map.entry("labels", "--label"),
            Map.entry("rules", "--require"),
            Map.entry("baseline", "--baseline"),
            // evaluate --engine spark
            Map.entry("master", "--master"),
            Map.entry("partitions", "--partitions"),
            // interop
            Map.entry("run", "--run"),
            Map.entry("batchSizes", "--batch-sizes"),
            Map.entry("logitAtol", "--logit-atol"),
            Map.entry("logitRtol", "--logit-rtol"),
            Map.entry("probAtol", "--prob-atol"),
            Map.entry("lossRtol", "--loss-rtol"),
            // bench
            Map.entry("models", "--models"),
            Map.entry("warmup", "--warmup"),
            Map.entry("rounds", "--rounds"),
            Map.entry("steps", "--steps"),
            Map.entry("gemmSize", "--gemm-size"));

    /** Where one command sets a parameter with another flag than {@link #DEFAULT}'s: command, parameter, flag. */
    static final Map<String, Map<String, String>> BY_COMMAND = Map.of(
            "bench", Map.of("model", "--models"),
            // train resizes only when --image-size gives the size (--resize alone is refused first)
            "train", Map.of("resize", "--image-size"));

    /** Parameters of the Java API that no flag sets (the CLI always passes a valid value). */
    static final Set<String> LIBRARY_ONLY = Set.of("preprocessing", "bounds", "mix", "shiftFlip", "resume",
            // the calibrators' knobs (CalibrationSettings) and their fit data
            "offDiagonalPenalty", "interceptPenalty", "histogramBins", "maxIterations", "heldOutFraction",
            "numClasses", "memoryBudget");

    private Flags() {
    }

    /**
     * The flag that sets {@code parameter} in {@code command}.
     *
     * @param command the subcommand's name ({@code train}, {@code evaluate}, ...), or null for the top level
     * @param parameter the library parameter's name
     * @return the flag, or empty for a parameter no flag sets
     */
    static Optional<String> flag(String command, String parameter) {
        String special = BY_COMMAND.getOrDefault(command, Map.of()).get(parameter);
        return Optional.ofNullable(special != null ? special : DEFAULT.get(parameter));
    }

    /**
     * The message of {@code e} as the user of {@code command} reads it: the parameter's flag in place of
     * its library name ("--label-smoothing must be in [0, 1), found 1.5"); the library's own message when
     * it names no parameter or one that no flag sets.
     *
     * @param e the library's error
     * @param command the subcommand that ran
     * @return the one-line message
     */
    static String message(SmoothcalException e, String command) {
        return e.parameter().flatMap(p -> flag(command, p)).map(e::messageNaming).orElse(e.getMessage());
    }
}
