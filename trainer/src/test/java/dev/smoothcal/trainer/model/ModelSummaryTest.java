package dev.smoothcal.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.data.ImageShape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSummaryTest {
    @Test
    void miniGoogLeNetOnCifarHasTheTutorialsCounts() {
        ModelSummary s = ModelSummary.of(ModelSpec.preset("minigooglenet").resolve(new ImageShape(32, 32, 3), 10));
        // Keras model.summary() of the tutorial's MiniGoogLeNet on 32x32x3, 10 classes
        assertEquals(1_656_250, s.totalParameters());
        assertEquals(1_656_250 - 3_424, s.trainableParameters());
        assertEquals(s.totalParameters(), s.rows().stream().mapToLong(ModelSummary.Row::parameters).sum(),
                "rows add up to the total");
        String text = s.text();
        assertTrue(text.startsWith("Model: minigooglenet on 32x32x3, 10 classes\n"), text);
        assertTrue(text.contains("Total params: 1,656,250\n"), text);
        assertTrue(text.contains("Trainable params: 1,652,826\n"), text);
        assertTrue(text.contains("Non-trainable params: 3,424\n"), text);
        assertEquals(new ModelSummary.Row(0, "conv2d 96 3x3/1 same", List.of(32L, 32L, 96L), 3 * 3 * 3 * 96 + 96),
                s.rows().get(0));
        assertTrue(text.lines().anyMatch(l -> l.matches("dense 10 +\\[10\\] +3,370")), text); // 336 * 10 + 10
    }

    @Test
    void residualBranchesAreIndentedUnderTheirAdd() {
        ModelSummary s = ModelSummary.of(ModelSpec.preset("resnet20").resolve(new ImageShape(32, 32, 3), 10));
        assertEquals(274_042, s.totalParameters());
        List<String> lines = s.text().lines().toList();
        int add = lines.indexOf(lines.stream().filter(l -> l.startsWith("add ")).findFirst().orElseThrow());
        assertTrue(lines.get(add + 1).startsWith("  branch 0 "), lines.get(add + 1));
        assertTrue(lines.get(add + 2).matches("    conv2d 16 3x3/1 same no bias +\\[32, 32, 16\\] +2,304"), lines.get(add + 2));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("  branch 1: identity ")), s.text());
        assertTrue(lines.stream().anyMatch(l -> l.matches("    conv2d 32 1x1/2 same no bias +\\[16, 16, 32\\] +512")),
                "the projection shortcut: " + s.text());
    }
}
