package dev.smoothcal.junit;

import static dev.smoothcal.junit.SmoothcalAssertions.assertThatRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.interop.ParityReport;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.onnx.proto.OnnxProto.TensorProto;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.run.TrainingRun;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run assertion on a run trained here through the library (a one-epoch dense network on the built-in
 * digits): its two exports agree, and a copy whose model.onnx weights were changed after export (its
 * metadata still claiming the trained fingerprint) fails with the checks that caught it.
 */
class RunParityAssertTest {
    @TempDir
    static Path tmp;

    private static Path run;
    private static Dataset test;

    @BeforeAll
    static void train() {
        Dataset train = DatasetSource.builtInDigits(DatasetSplit.TRAIN);
        test = DatasetSource.builtInDigits(DatasetSplit.TEST).slice(0, 300);
        ModelSpec model = ModelSpec.builder("tiny").flatten().dense(16).relu().build();
        run = tmp.resolve("run");
        TrainingRun.fit(train, model, TrainingConfig.builder().epochs(1).seed(3).build(), run);
    }

    @Test
    void theExportsOfATrainedRunAgree() {
        RunParityAssert parity = assertThatRun(run).on(test).hasOnnxExportMatchingTensorFlow();
        ParityReport report = parity.report();
        assertThat(report.passed()).isTrue();
        assertThat(report.failures()).isEmpty();
        assertThat(report.data().size()).isEqualTo(300);
        assertThat(report.argmax().disagreements()).isZero();
    }

    @Test
    void aRunWhoseOnnxWeightsChangedFailsNamingTheChecks() throws IOException {
        Path tampered = tmp.resolve("tampered");
        copyTree(run, tampered);
        Path onnx = tampered.resolve(RunDirectory.MODEL_ONNX);
        OnnxModels.write(shiftFirstBias(OnnxModels.read(onnx), 0.5f), onnx);

        assertThatThrownBy(() -> assertThatRun(tampered).on(test).hasOnnxExportMatchingTensorFlow())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected the ONNX export of run " + tampered + " to match its TensorFlow model "
                        + "on digits/test")
                .hasMessageContaining("(300 images)")
                .hasMessageMatching("(?s).*but \\d+ check\\(s\\) failed:.*")
                .hasMessageContaining("at batch size 1 logits differ by up to")
                .hasMessageContaining("at batch size 256 logits differ by up to")
                .hasMessageContaining("smoothed loss differs between paths");
    }

    /**
     * The model with {@code +delta} and {@code -delta} added in turn to the elements of its first one-dimensional
     * float initializer (a bias): not a constant shift, which the softmax would hide.
     */
    private static ModelProto shiftFirstBias(ModelProto model, float delta) {
        ModelProto.Builder b = model.toBuilder();
        for (int i = 0; i < b.getGraph().getInitializerCount(); i++) {
            TensorProto t = b.getGraph().getInitializer(i);
            if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE || t.getDimsCount() != 1) {
                continue;
            }
            TensorProto.Builder shifted = t.toBuilder();
            if (!t.getRawData().isEmpty()) {
                ByteBuffer raw = ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
                for (int j = 0; j < raw.capacity(); j += Float.BYTES) {
                    raw.putFloat(j, raw.getFloat(j) + (j / Float.BYTES % 2 == 0 ? delta : -delta));
                }
                shifted.setRawData(com.google.protobuf.ByteString.copyFrom(raw.array()));
            } else {
                for (int j = 0; j < t.getFloatDataCount(); j++) {
                    shifted.setFloatData(j, t.getFloatData(j) + (j % 2 == 0 ? delta : -delta));
                }
            }
            b.getGraphBuilder().setInitializer(i, shifted);
            return b.build();
        }
        throw new AssertionError("no bias among the initializers of the exported model");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }
}
