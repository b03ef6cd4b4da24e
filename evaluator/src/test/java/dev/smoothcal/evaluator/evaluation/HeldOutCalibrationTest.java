package dev.smoothcal.evaluator.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.data.Splits;
import dev.smoothcal.evaluator.calibration.CalibrationMethod;
import dev.smoothcal.evaluator.inference.ExecutionProvider;
import dev.smoothcal.evaluator.report.EvaluationReport;
import dev.smoothcal.evaluator.testing.LinearClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Held-out fitting on a fake run of the built-in digits: its validation split reproduced from run.json and
 * checked by fingerprint, a fit on its training data refused unless allowed (then flagged), several
 * calibrators side by side, and an exported calibrator checked on the evaluated split.
 */
class HeldOutCalibrationTest {
    private static final double FRACTION = 0.2;
    private static final long SEED = 7;

    @TempDir
    Path run;

    private Dataset train;
    private Dataset test;
    private Dataset validation;

    @BeforeEach
    void fakeRun() throws IOException {
        train = DatasetSource.load(DatasetSource.DIGITS, DatasetSplit.TRAIN);
        test = DatasetSource.load(DatasetSource.DIGITS, DatasetSplit.TEST);
        validation = Splits.stratified(train, FRACTION, SEED).validation();
        new LinearClassifier(64, 10, 3, 0.1).writeLogitsModel(run.resolve("model.onnx"), Map.of());
        writeRunJson(validation.fingerprint());
    }

    private void writeRunJson(String validationFingerprint) throws IOException {
        Files.writeString(run.resolve("run.json"), "{\"format\": \"smoothcal-run/2\", \"data_source\": "
                + "{\"location\": \"digits\", \"split\": \"train\"}, \"config\": {\"seed\": " + SEED
                + ", \"validation_fraction\": " + FRACTION + "}, \"dataset\": {\"name\": \"digits/train\", \"fingerprint\": \"" + train.fingerprint()
                + "\"}, \"validation\": {\"fingerprint\": \"" + validationFingerprint + "\"}}");
    }

    private EvaluationRequest request() {
        return EvaluationRequest.of(run, test).withProvider(ExecutionProvider.CPU).withBootstrapReplicates(20);
    }

    @Test
    void theRunsValidationSplitIsReproducedAndChecked() throws IOException {
        Dataset reproduced = RunProvenance.of(run).orElseThrow().validationSplit();
        assertEquals(validation.fingerprint(), reproduced.fingerprint());
        assertEquals(validation.size(), reproduced.size());
        writeRunJson("sha256:0000");
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> RunProvenance.of(run).orElseThrow().validationSplit());
        assertEquals(SmoothcalException.Kind.CHECK_FAILED, e.kind());
        assertTrue(e.getMessage().contains("expected the run's sha256:0000"), e.getMessage());
    }

    @Test
    void aFitOnTrainingDataIsRefusedUnlessAllowedAndThenFlagged() {
        EvaluationRequest onTrain = request().withCalibration(train).withCalibrators(List.of(CalibrationMethod.VECTOR));
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> Evaluation.run(onTrain));
        assertEquals("calibrateOn", e.parameter().orElse(null));
        assertTrue(e.getMessage().contains("is the data the model was trained on"), e.getMessage());

        EvaluationReport forced = Evaluation.run(onTrain.withTrainingData(EvaluationRequest.TrainingDataPolicy.ALLOW));
        assertTrue(forced.calibration().get(0).warning().contains("training data"),
                forced.calibration().get(0).warning());
        assertTrue(forced.temperature().warning().contains("training data"), forced.temperature().warning());
    }

    @Test
    void calibratorsSideBySideAndAnExportCheckedOnTheEvaluatedSplit() {
        Path exported = run.resolve("calibrated.onnx");
        List<CalibrationMethod> methods = List.of(CalibrationMethod.TEMPERATURE, CalibrationMethod.VECTOR,
                CalibrationMethod.ISOTONIC);
        EvaluationReport r = Evaluation.run(request().withCalibration(RunProvenance.of(run).orElseThrow()
                .validationSplit()).withCalibrators(methods)
                .withExport(new EvaluationRequest.CalibratedExport(exported, CalibrationMethod.ISOTONIC)));
        assertEquals(List.of("temperature", "vector", "isotonic"),
                r.calibration().stream().map(EvaluationReport.Calibration::method).toList());
        EvaluationReport.Calibration t = r.calibration().get(0);
        assertEquals(r.temperature().t(), (double) t.parameters().get("temperature"), 0.0);
        assertEquals(r.temperature().nllAfter(), t.nll(), 1e-12, "the same calibrated NLL both ways");
        assertEquals(r.accuracy(), t.accuracy(), 0.0, "a temperature keeps the arg-max");
        assertNull(t.warning());
        for (EvaluationReport.Calibration c : r.calibration()) {
            assertEquals(validation.size(), c.fitSamples());
            assertTrue(c.nll() < r.nll(), c.method() + " lowers the held-out NLL of a badly scaled model");
            assertEquals(20, c.bootstrap().replicates());
        }
        assertTrue(Files.isRegularFile(exported));
        assertEquals("isotonic", r.export().calibrator());
        assertTrue(r.export().maxAbsDifference() <= r.export().tolerance(), "" + r.export().maxAbsDifference());
        assertEquals(test.size(), r.export().samples());

        EvaluationRequest wrong = request().withCalibration(validation).withCalibrators(List.of(CalibrationMethod.VECTOR))
                .withExport(new EvaluationRequest.CalibratedExport(exported, CalibrationMethod.MATRIX));
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> Evaluation.run(wrong));
        assertEquals("calibrator", e.parameter().orElse(null));
    }
}
