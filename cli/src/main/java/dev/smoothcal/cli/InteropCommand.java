package dev.smoothcal.cli;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.interop.ParityCheck;
import dev.smoothcal.interop.ParityReport;
import dev.smoothcal.interop.ParityTolerance;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code smoothcal interop}: TF SavedModel vs ONNX Runtime parity of a run; exits 1 on a mismatch. */
@Command(name = "interop", mixinStandardHelpOptions = true,
        description = "Check that a run's SavedModel (TensorFlow) and model.onnx (ONNX Runtime) give the same "
                + "logits, probabilities, classes and label-smoothed loss. Writes parity.json; exit code 1 on a mismatch.")
final class InteropCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory written by 'smoothcal train'.")
    Path run;

    @Option(names = "--data", defaultValue = "digits", description = "Dataset name or path. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "train|test", description = "Split. Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for parity.json.")
    Path out;

    @Option(names = "--batch-size", defaultValue = "256", description = "Images per call on both paths. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--logit-atol", defaultValue = "1e-4", description = "Absolute logit tolerance. Default: ${DEFAULT-VALUE}.")
    double logitAbsolute;

    @Option(names = "--logit-rtol", defaultValue = "1e-5", description = "Relative logit tolerance. Default: ${DEFAULT-VALUE}.")
    double logitRelative;

    @Option(names = "--prob-atol", defaultValue = "1e-5", description = "Absolute probability tolerance. Default: ${DEFAULT-VALUE}.")
    double probabilityAbsolute;

    @Option(names = "--loss-rtol", defaultValue = "1e-5", description = "Relative loss tolerance. Default: ${DEFAULT-VALUE}.")
    double lossRelative;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Override
    public Integer call() {
        Runtimes.requireTensorFlow("interop");
        ParityTolerance tolerance = new ParityTolerance(logitAbsolute, logitRelative, probabilityAbsolute, lossRelative);
        if (batchSize < 1) {
            throw new dev.smoothcal.core.SmoothcalException("--batch-size must be at least 1, found " + batchSize);
        }
        RunDirectory runDir = RunDirectory.open(run);
        Dataset dataset = DatasetSource.load(data, DatasetSplit.parse(split));
        try (OutputDirectory dir = OutputDirectory.open(out, output.policy())) {
            dir.requireNoClash(List.of(RunDirectory.PARITY_JSON));
            ParityReport report = check(runDir, dataset, tolerance, batchSize, dir.staging());
            dir.commit();
            return report.passed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
        }
    }

    /** Runs the check, writes parity.json into {@code dir}, prints the table and any failure on stderr. */
    static ParityReport check(RunDirectory run, Dataset data, ParityTolerance tolerance, int batch, Path dir) {
        System.err.println("comparing TensorFlow and ONNX Runtime on " + data.name() + " (" + data.size() + " images) ...");
        ParityReport report = ParityCheck.run(run, data, tolerance, batch);
        Json.write(dir.resolve(RunDirectory.PARITY_JSON), report);
        Summaries.parity(System.out, report);
        if (!report.passed()) {
            System.err.println("smoothcal: parity failed: " + String.join("; ", report.failures()));
        }
        return report;
    }
}
