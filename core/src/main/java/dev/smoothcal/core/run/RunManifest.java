package dev.smoothcal.core.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The content of {@code run.json}: everything needed to interpret and reproduce a training run.
 * No timestamps, so that the same seed and data give byte-identical files.
 *
 * @param format always {@link #FORMAT}
 * @param smoothcalVersion version of the writer
 * @param config the resolved training configuration, every default filled in
 * @param seed the run seed
 * @param dataset the training data (before the validation split)
 * @param validation the held-out validation part of the training data
 * @param classNames class names, index = label
 * @param input the model input: name, NHWC shape, dtype, normalisation baked into the graphs
 * @param outputs output names, {@code [logits, probabilities]}
 * @param versions library versions (smoothcal, tensorflow, java, onnx ir/opset)
 * @param modelFingerprint SHA-256 over the trained weights; model.onnx carries the same value
 * @param outcome epochs run and the epoch whose weights were exported
 */
public record RunManifest(
        String format,
        String smoothcalVersion,
        JsonNode config,
        long seed,
        DatasetInfo dataset,
        DatasetInfo validation,
        List<String> classNames,
        InputSpec input,
        List<String> outputs,
        Map<String, String> versions,
        String modelFingerprint,
        Outcome outcome) {

    public static final String FORMAT = "smoothcal-run/1";

    /**
     * How training ended.
     *
     * @param epochsRun epochs completed (fewer than configured after early stopping)
     * @param bestEpoch the exported epoch (1-based), best by {@code monitor}
     * @param monitor the validation metric that chose it, e.g. {@code val_loss}
     */
    public record Outcome(int epochsRun, int bestEpoch, String monitor) {
    }

    /**
     * A dataset identity.
     *
     * @param name for example {@code digits/train}
     * @param size number of images
     * @param fingerprint {@code sha256:...} over the content (see {@code Dataset.fingerprint()})
     * @param classCounts images per class
     */
    public record DatasetInfo(String name, int size, String fingerprint, List<Integer> classCounts) {
    }

    /**
     * The model input.
     *
     * @param name input name ({@code images})
     * @param shape {@code [height, width, channels]}; the batch dimension is dynamic
     * @param layout always {@code NHWC}
     * @param dtype always {@code float32}
     * @param mean per-channel mean subtracted inside the graphs
     * @param std per-channel standard deviation divided by inside the graphs
     */
    public record InputSpec(String name, List<Integer> shape, String layout, String dtype, List<Double> mean,
            List<Double> std) {
    }
}
