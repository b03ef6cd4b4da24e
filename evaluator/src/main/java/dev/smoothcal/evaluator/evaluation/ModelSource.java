package dev.smoothcal.evaluator.evaluation;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves {@code --model}: an ONNX file, or a run directory whose {@code model.onnx} is used. */
public final class ModelSource {
    private ModelSource() {
    }

    /**
     * The ONNX file that {@code model} names.
     *
     * @param model an {@code .onnx} file, or a run directory holding {@code model.onnx}
     * @return the ONNX file
     */
    public static Path onnxFile(Path model) {
        if (Files.isDirectory(model)) {
            Path inside = model.resolve(RunDirectory.MODEL_ONNX);
            if (!Files.isRegularFile(inside)) {
                throw new SmoothcalException("--model " + model + ": expected an .onnx file or a run directory "
                        + "holding model.onnx, found a folder without model.onnx");
            }
            return inside;
        }
        if (!Files.exists(model)) {
            throw new SmoothcalException("--model: expected an .onnx file or a run directory, found nothing at " + model);
        }
        return model;
    }
}
