package dev.smoothcal.evaluator.evaluation;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.run.RunDirectory;
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
     * @throws SmoothcalException naming {@code model} when there is no such file or folder
     */
    public static Path onnxFile(Path model) {
        if (Files.isDirectory(model)) {
            Path inside = model.resolve(RunDirectory.MODEL_ONNX);
            if (!Files.isRegularFile(inside)) {
                throw SmoothcalException.invalid("model", model + ": expected an .onnx file or a run directory "
                        + "holding model.onnx, found a folder without model.onnx");
            }
            return inside;
        }
        if (!Files.exists(model)) {
            throw SmoothcalException.invalid("model", ": expected an .onnx file or a run directory, found nothing at " + model);
        }
        return model;
    }
}
