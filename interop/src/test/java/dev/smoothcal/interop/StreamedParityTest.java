package dev.smoothcal.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smoothcal.core.data.BatchSource;
import dev.smoothcal.core.data.DataLimits;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.run.TrainingRun;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parity check streamed from a {@link BatchSource} (an image folder decoded batch by batch) gives exactly
 * the report of the same images held in memory as a {@link Dataset}.
 */
class StreamedParityTest {
    @TempDir
    Path tmp;

    @Test
    void aStreamedSourceGivesTheReportOfTheSameImagesInMemory() throws IOException {
        Path runDir = tmp.resolve("mlp");
        TrainingRun.fit(DatasetSource.builtInDigits(DatasetSplit.TRAIN), ModelSpec.preset("mlp"),
                TrainingConfig.builder().epochs(1).seed(5).build(), runDir);
        Dataset digits = DatasetSource.builtInDigits(DatasetSplit.TEST);
        // the digits (values 0..16) written as grey PNGs, one folder per class: they load as the same values
        Path folder = tmp.resolve("digits-png");
        for (int i = 0; i < digits.size(); i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 64; p++) {
                img.getRaster().setSample(p % 8, p / 8, 0, (int) digits.images()[i * 64 + p]);
            }
            Path file = folder.resolve(digits.classNames().get(digits.labels()[i]))
                    .resolve(String.format("%04d.png", i));
            Files.createDirectories(file.getParent());
            ImageIO.write(img, "png", file.toFile());
        }
        BatchSource streamed = DatasetSource.open(folder, DatasetSplit.TEST, DataLimits.defaults());
        Dataset inMemory = DatasetSource.load(folder, DatasetSplit.TEST);
        assertFalse(streamed.getClass().getSimpleName().contains("InMemory"), "decoded batch by batch");
        assertEquals(digits.classNames(), streamed.classNames());

        List<Integer> batches = List.of(1, 7, 256);
        ParityReport fromMemory = ParityCheck.run(new RunDirectory(runDir), inMemory, ParityTolerance.DEFAULT, batches);
        ParityReport fromStream = ParityCheck.run(new RunDirectory(runDir), streamed, ParityTolerance.DEFAULT, batches);
        assertTrue(fromStream.passed(), fromStream.failures().toString());
        assertEquals(inMemory.fingerprint(), fromStream.data().fingerprint());
        assertEquals(Json.MAPPER.valueToTree(fromMemory), (ObjectNode) Json.MAPPER.valueToTree(fromStream));
        assertEquals(digits.size(), fromStream.data().size());
    }
}
