package com.example.gate;

import static dev.smoothcal.junit.SmoothcalAssertions.assertThatModel;

import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The same gate as a test: a red test says which bound the model missed, by how much, and where. */
class ModelQualityTest {
    private static final Path MODEL = Path.of(System.getProperty("model.onnx", "../model/target/smoothcal/run/model.onnx"))
            .toAbsolutePath().normalize();

    @Test
    void theTrainedModelIsAccurateAndCalibrated() {
        assertThatModel(MODEL)
                .on(DatasetSource.builtInDigits(DatasetSplit.TEST))
                .hasAccuracyAtLeast(0.9)
                .hasExpectedCalibrationErrorAtMost(0.2)
                .hasNegativeLogLikelihoodAtMost(0.6);
    }
}
