package dev.smoothcal.evaluator.evaluation;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.onnx.OnnxModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves a model location ({@code model}): an ONNX file, or a run directory whose {@code model.onnx} is used. */
public final class ModelSource {
    private ModelSource() {
    }

    /**
     * The ONNX file that {@code model} names.
     *
     * @param model an {@code .onnx} file, or a run directory holding {@code model.onnx}
     * @return the ONNX file
     * @throws SmoothcalException naming {@code model} when there is no such file or folder, or when the run
     *     directory's {@code run.json} and {@code model.onnx} carry different weights fingerprints
     */
    public static Path onnxFile(Path model) {
        if (Files.isDirectory(model)) {
            Path inside = model.resolve(RunDirectory.MODEL_ONNX);
            if (!Files.isRegularFile(inside)) {
                throw SmoothcalException.invalid("model", model + ": expected an .onnx file or a run directory "
                        + "holding model.onnx, found a folder without model.onnx");
            }
            requireSameTraining(model, inside);
            return inside;
        }
        if (!Files.exists(model)) {
            throw SmoothcalException.invalid("model", ": expected an .onnx file or a run directory, found nothing at " + model);
        }
        return model;
    }

    /** Refuses a run directory whose model.onnx was not written with its run.json (copied in from another run). */
    private static void requireSameTraining(Path run, Path onnx) {
        Path manifest = run.resolve(RunDirectory.RUN_JSON);
        if (!Files.isRegularFile(manifest)) {
            return;
        }
        String expected;
        try {
            expected = Json.MAPPER.readTree(manifest.toFile()).path("model_fingerprint").asText(null);
        } catch (IOException e) {
            throw SmoothcalException.invalid("model", run + ": cannot read " + RunDirectory.RUN_JSON + ": "
                    + AtomicFiles.describe(e));
        }
        String found = OnnxModels.metadata(OnnxModels.read(onnx)).get(RunDirectory.METADATA_MODEL_FINGERPRINT);
        if (expected != null && !expected.equals(found)) {
            throw SmoothcalException.invalid("model", run + ": model.onnx and run.json come from different trainings: "
                    + "expected model fingerprint " + expected + " (run.json), found " + found + " (model.onnx)");
        }
    }
}
