package dev.smoothcal.trainer.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.trainer.augment.FillMode;
import dev.smoothcal.trainer.augment.FlipMode;
import dev.smoothcal.trainer.graph.NormalizationMode;
import dev.smoothcal.trainer.loss.SmoothingMethod;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.model.ModelSummary;
import dev.smoothcal.trainer.run.RunManifest;
import dev.smoothcal.trainer.optim.OptimizerKind;
import dev.smoothcal.trainer.optim.ScheduleKind;
import dev.smoothcal.trainer.run.TrainingResult;
import dev.smoothcal.trainer.run.TrainingRun;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped recipe in {@code recipes/} resolves, and one epoch of it trains on real CIFAR-10 images. */
class RecipesTest {
    private static final Path RECIPES = Path.of("../recipes");

    static List<Path> recipes() throws IOException {
        try (Stream<Path> files = Files.list(RECIPES)) {
            return files.filter(f -> f.toString().matches(".*\\.(json|ya?ml)$")).sorted().toList();
        }
    }

    @Test
    void theRecipesAreThere() throws IOException {
        assertEquals(List.of("digits-mlp.yaml", "keras-minigooglenet-cifar10.json", "resnet20-cifar10.json"),
                recipes().stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void theNotebookRecipeIsTheNotebooks() {
        TrainingRecipe r = TrainingRecipe.read(RECIPES.resolve("keras-minigooglenet-cifar10.json"));
        // NUM_EPOCHS = 32, BATCH_SIZE = 8, SGD(lr=INIT_LR=5e-3, momentum=0.7), PolynomialDecay(power=1.0),
        // ImageDataGenerator(width/height_shift_range=0.1, horizontal_flip=True, fill_mode="nearest"), smoothing 0.1,
        // mean = np.mean(trainX, axis=0); trainX -= mean
        assertEquals(TrainingConfig.builder().epochs(32).batchSize(8).optimizer(OptimizerKind.SGD).learningRate(5e-3)
                .momentum(0.7).schedule(ScheduleKind.POLYNOMIAL).polyPower(1.0).shift(0.1).flip(FlipMode.HORIZONTAL)
                .fill(FillMode.NEAREST).labelSmoothing(0.1).smoothingMethod(SmoothingMethod.LABELS)
                .normalization(NormalizationMode.MEAN_IMAGE).build(), r.config());
        assertEquals(ModelSpec.preset("minigooglenet"), r.model());
        assertEquals(1_656_250, r.model().resolve(new ImageShape(32, 32, 3), 10).parameterCount());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recipes")
    void oneEpochOfEachRecipeTrainsOnRealCifarImages(Path file, @TempDir Path tmp) throws Exception {
        TrainingRecipe recipe = TrainingRecipe.read(file);
        assertNotNull(recipe.model(), "every shipped recipe names its model");
        assertTrue(!recipe.description().isBlank(), "every shipped recipe says what it is");
        Dataset sample = CifarSample.load(tmp.resolve("data"));
        TrainingConfig config = recipe.config().toBuilder().epochs(1).build();
        // one full batch of training images (plus the held-out part): one step, or two with a remainder
        Dataset cifar = sample.slice(0, Math.min(sample.size(),
                (int) Math.ceil(config.batchSize() / (1 - config.validationFraction())) + 10));
        TrainingResult result = TrainingRun.fit(cifar, recipe.model(), config, tmp.resolve("run"));
        assertEquals(1, result.history().size());
        assertTrue(Double.isFinite(result.history().get(0).trainLoss()), "a finite loss after one epoch");
        assertEquals(config, RunManifest.read(new RunDirectory(tmp.resolve("run"))).config(),
                "run.json holds the resolved recipe");
        assertEquals(ModelSummary.of(recipe.model().resolve(cifar.shape(), cifar.numClasses())).text(),
                Files.readString(tmp.resolve("run").resolve(RunDirectory.SUMMARY_TXT)));
    }
}
