package dev.smoothcal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.trainer.augment.FillMode;
import dev.smoothcal.trainer.augment.FlipMode;
import dev.smoothcal.trainer.graph.NormalizationMode;
import dev.smoothcal.trainer.loss.SmoothingMethod;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.optim.OptimizerKind;
import dev.smoothcal.trainer.optim.ScheduleKind;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code train --config FILE}: the recipe over the defaults, the flags typed on the command line over the recipe. */
class TrainRecipeTest {
    @TempDir
    Path tmp;

    private TensorFlowTasks.Setup setup(String... args) {
        CommandLine cli = new CommandLine(new Main());
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        return TensorFlowTasks.newSetup(parsed.subcommand().commandSpec().commandLine().getCommand());
    }

    @Test
    void theNotebookRecipeResolvesAndFlagsGivenOverrideIt() {
        Path recipe = Path.of("../recipes/keras-minigooglenet-cifar10.json");
        TensorFlowTasks.Setup plain = setup("train", "--config", recipe.toString(), "--out", "x");
        TrainingConfig expected = TrainingConfig.builder().epochs(32).batchSize(8).optimizer(OptimizerKind.SGD)
                .learningRate(5e-3).momentum(0.7).schedule(ScheduleKind.POLYNOMIAL).polyPower(1.0).shift(0.1)
                .flip(FlipMode.HORIZONTAL).fill(FillMode.NEAREST).labelSmoothing(0.1)
                .smoothingMethod(SmoothingMethod.LABELS).normalization(NormalizationMode.MEAN_IMAGE).build();
        assertEquals(expected, plain.config());
        assertEquals(ModelSpec.preset("minigooglenet"), plain.model());
        assertEquals("digits", plain.origin().location(), "the recipe names no data: --data's default");
        // --batch-size 64 is the flag's default, yet typed: it overrides the recipe's 8 (matched, not compared)
        TensorFlowTasks.Setup overridden = setup("train", "--config", recipe.toString(), "--epochs", "1",
                "--batch-size", "64", "--smoothing", "0.2", "--smoothing-method", "loss", "--model", "mlp", "--data", "somewhere", "--normalization", "channel", "--out", "x");
        assertEquals(expected.toBuilder().epochs(1).batchSize(64).labelSmoothing(0.2).smoothingMethod(SmoothingMethod.LOSS)
                .normalization(NormalizationMode.CHANNEL).build(), overridden.config());
        assertEquals(ModelSpec.preset("mlp"), overridden.model());
        assertEquals("somewhere", overridden.origin().location());
    }

    @Test
    void aYamlRecipeNamesItsDataAndModel() {
        TensorFlowTasks.Setup s = setup("train", "--config", "../recipes/digits-mlp.yaml", "--out", "x");
        assertEquals(TrainingConfig.builder().epochs(10).batchSize(64).learningRate(1e-3).labelSmoothing(0.1).seed(7)
                .build(), s.config());
        assertEquals("digits", s.origin().location());
        assertEquals(ModelSpec.preset("mlp"), s.model());
    }

    @Test
    void badRecipesAreRefusedNamingTheFileAndKey() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"batch_size\": 0}");
        assertEquals("smoothcal: error: recipe file " + bad + ": batch_size: must be in [1, 65536], found 0",
                refused("train", "--config", bad.toString(), "--out", tmp.resolve("o").toString()));
        Path unknown = Files.writeString(tmp.resolve("unknown.yaml"), "epochs: 2\nlr: 0.1\n");
        assertTrue(refused("train", "--config", unknown.toString(), "--out", tmp.resolve("o").toString())
                .startsWith("smoothcal: error: recipe file " + unknown + ": unknown key 'lr', expected one of [batch_size,"));
        // a bad flag over a good recipe is named by its flag
        assertEquals("smoothcal: error: --label-smoothing must be in [0, 1), found 1.5", refused("train", "--config",
                "../recipes/digits-mlp.yaml", "--smoothing", "1.5", "--out", tmp.resolve("o").toString()));
    }

    private static String refused(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.execute(args);
        } finally {
            System.setErr(old);
        }
        String err = buf.toString(StandardCharsets.UTF_8).strip();
        assertEquals(2, code, err);
        return err.lines().filter(l -> l.startsWith("smoothcal: error")).findFirst().orElse(err);
    }
}
