package dev.smoothcal.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.run.TrainingRun;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use from Java" parity snippet, run as written on a run trained here: the code between
 * {@code README:} markers is the README's (cli's ReadmeSnippetsTest checks they are the same).
 */
class UserGuideTest {
    @TempDir
    Path tmp;

    @Test
    void checkParityOfARun() {
        Path runDir = tmp.resolve("mlp");
        TrainingRun.fit(DatasetSource.builtInDigits(DatasetSplit.TRAIN), ModelSpec.preset("mlp"),
                TrainingConfig.builder().epochs(2).seed(3).build(), runDir);
        Dataset test = DatasetSource.builtInDigits(DatasetSplit.TEST);
        // README: parity
        ParityReport parity = ParityCheck.run(new RunDirectory(runDir), test);
        System.out.printf("parity TF vs ONNX %s (max |logit diff| %.1e)%n", parity.passed() ? "PASSED" : "FAILED",
                parity.logits().maxAbsDiff());
        parity.failures().forEach(System.out::println);
        // README: end
        assertTrue(parity.passed(), parity.failures().toString());
        assertEquals(test.size(), parity.data().size());
        assertTrue(parity.logits().maxAbsDiff() < 1e-4, "logits agree to float rounding");
    }
}
