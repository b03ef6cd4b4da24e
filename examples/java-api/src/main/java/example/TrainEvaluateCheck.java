package example;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import dev.smoothcal.evaluator.gate.Gate;
import dev.smoothcal.evaluator.gate.GateResult;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.interop.ParityCheck;
import dev.smoothcal.interop.ParityReport;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.run.TrainingResult;
import dev.smoothcal.trainer.run.TrainingRun;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * A user's program: train a label-smoothed MLP on the built-in digits, evaluate its ONNX export with
 * ONNX Runtime, check that TensorFlow and ONNX Runtime agree, and gate on the numbers. Exits 1 when the
 * parity check or the gate fails, 2 on bad input.
 */
public final class TrainEvaluateCheck {
    private TrainEvaluateCheck() {
    }

    public static void main(String[] args) {
        Path runDir = Path.of(args.length > 0 ? args[0] : "target/run");
        try {
            AtomicFiles.deleteTree(runDir); // a fresh run each time the example runs
            Dataset train = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
            Dataset test = DatasetSource.builtInDigits(DatasetSplit.TEST);

            TrainingConfig config = TrainingConfig.builder().epochs(10).batchSize(64).labelSmoothing(0.1).seed(7)
                    .build();
            TrainingResult result = TrainingRun.fit(train, ModelSpec.preset("mlp"), config, runDir);
            System.out.printf("trained %s: best epoch %d of %d%n", result.manifest().model().name(),
                    result.bestEpoch(), result.history().size());

            EvaluationReport report = Evaluation.run(EvaluationRequest.of(runDir.resolve("model.onnx"), test));
            System.out.printf("test accuracy %.4f%n", report.accuracy());
            System.out.printf("test ECE      %.4f (15 bins)%n", report.ece());

            ParityReport parity = ParityCheck.run(new RunDirectory(runDir), test);
            System.out.printf("parity TF vs ONNX %s (max |logit diff| %.1e)%n",
                    parity.passed() ? "PASSED" : "FAILED", parity.logits().maxAbsDiff());
            parity.failures().forEach(f -> System.out.println("  " + f));

            GateResult gate = Gate.of(List.of("accuracy >= 0.9", "nll <= 0.5")).check(report);
            gate.verdicts().forEach(v -> System.out.printf("gate %-20s %.4f %s%n", v.rule(), v.value(),
                    v.passed() ? "passed" : "FAILED"));
            if (!parity.passed() || !gate.passed()) {
                System.exit(1);
            }
        } catch (SmoothcalException e) {
            System.err.println("example: " + e.kind() + ": " + e.getMessage());
            System.exit(e.kind() == SmoothcalException.Kind.BAD_INPUT ? 2 : 3);
        }
    }
}
