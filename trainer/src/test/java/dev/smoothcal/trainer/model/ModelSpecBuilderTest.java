package dev.smoothcal.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.trainer.model.Layer.Bias;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelSpecBuilderTest {

    @Test
    void builderReproducesMlp() {
        assertEquals(ModelSpec.preset("mlp"),
                ModelSpec.builder("mlp").flatten().dense(256).relu().dense(128).relu().build());
    }

    @Test
    void builderReproducesCnn() {
        ModelSpec built = ModelSpec.builder("cnn")
                .conv2d(32, 3, Padding.SAME, Bias.NONE).batchNorm().relu().maxPool(2, Padding.SAME)
                .conv2d(64, 3, Padding.SAME, Bias.NONE).batchNorm().relu().maxPool(2, Padding.SAME)
                .flatten().dropout(0.25).dense(128).relu().dropout(0.25)
                .build();
        assertEquals(ModelSpec.preset("cnn"), built);
    }

    @Test
    void builderReproducesMiniGoogLeNet() {
        ModelSpec.Builder b = ModelSpec.builder("minigooglenet").conv2d(96, 3, Padding.SAME).batchNorm().relu();
        inception(b, 32, 32);
        inception(b, 32, 48);
        downsample(b, 80);
        inception(b, 112, 48);
        inception(b, 96, 64);
        inception(b, 80, 80);
        inception(b, 48, 96);
        downsample(b, 96);
        inception(b, 176, 160);
        inception(b, 176, 160);
        ModelSpec built = b.globalAveragePool().dropout(0.5).build();
        assertEquals(ModelSpec.preset("minigooglenet"), built);
    }

    private static void inception(ModelSpec.Builder b, int n1, int n3) {
        b.concat(ModelSpec.branch().conv2d(n1, 1, Padding.SAME).batchNorm().relu(),
                ModelSpec.branch().conv2d(n3, 3, Padding.SAME).batchNorm().relu());
    }

    private static void downsample(ModelSpec.Builder b, int filters) {
        b.concat(List.of(ModelSpec.branch().conv2d(filters, 3, 2, Padding.VALID).batchNorm().relu().build(),
                ModelSpec.branch().maxPool(3, 2, Padding.VALID).build()));
    }

    @Test
    void shorthandsTakeKerasDefaults() {
        ModelSpec spec = ModelSpec.builder("defaults").conv2d(16, 3).maxPool(2).averagePool(3).batchNorm()
                .conv2d(8, 5, 2, Padding.SAME).averagePool(3, 1, Padding.SAME).batchNorm(0.9, 1e-2)
                .classes(4).build();
        assertEquals(new ModelSpec("defaults", List.of(
                new Layer.Conv2D(16, 3, 3, 1, 1, Padding.VALID, Bias.USE),
                new Layer.MaxPool(2, 2, 2, 2, Padding.VALID),
                new Layer.AveragePool(3, 3, 3, 3, Padding.VALID),
                new Layer.BatchNorm(0.99, 1e-3),
                new Layer.Conv2D(8, 5, 5, 2, 2, Padding.SAME, Bias.USE),
                new Layer.AveragePool(3, 3, 1, 1, Padding.SAME),
                new Layer.BatchNorm(0.9, 1e-2)), 4), spec);
    }

    @Test
    void branchesAreReadWhenConcatIsCalledAndEmptyBranchesPassThrough() {
        LayerBuilder.Branch conv = ModelSpec.branch().conv2d(4, 1);
        ModelSpec.Builder b = ModelSpec.builder("b").concat(conv, ModelSpec.branch());
        conv.relu();
        assertEquals(new Layer.Concat(List.of(List.of(new Layer.Conv2D(4, 1, 1, 1, 1, Padding.VALID, Bias.USE)),
                List.of())), b.build().layers().get(0));
    }

    @Test
    void builderValidatesAsTheRecordsDo() {
        SmoothcalException units = assertThrows(SmoothcalException.class, () -> ModelSpec.builder("x").dense(0));
        assertEquals("Dense.units must be at least 1, found 0", units.getMessage());
        SmoothcalException one = assertThrows(SmoothcalException.class,
                () -> ModelSpec.builder("x").concat(ModelSpec.branch().relu(), ModelSpec.branch()).classes(1).build());
        assertTrue(one.getMessage().contains("classes must be 0 (from the data) or at least 2, found 1"),
                one.getMessage());
        assertThrows(SmoothcalException.class, () -> ModelSpec.builder(" ").build());
    }

    // presets round-trip through JSON in ModelSpecTest.presetsRoundTripThroughJson

    /** One layer of every type, each with settings other than the defaults, so no field is lost. */
    @Test
    void builderModelWithEveryLayerTypeRoundTripsThroughJson() {
        ModelSpec spec = ModelSpec.builder("every").classes(7)
                .add(new Layer.Conv2D(6, 1, 3, 2, 1, Padding.SAME, Bias.NONE))
                .add(new Layer.MaxPool(3, 2, 1, 2, Padding.SAME))
                .add(new Layer.AveragePool(2, 3, 2, 1, Padding.VALID))
                .batchNorm(0.5, 0.25)
                .concat(ModelSpec.branch().conv2d(3, 1).relu(), ModelSpec.branch(),
                        ModelSpec.branch().concat(ModelSpec.branch().maxPool(1), ModelSpec.branch()))
                .sum(ModelSpec.branch().conv2d(8, 1).batchNorm(), ModelSpec.branch())
                .globalAveragePool().dropout(0.125).dense(9).relu()
                .add(new Layer.Flatten())
                .build();
        assertEquals(spec, ModelSpec.parseJson(spec.toJson()));
        assertEquals(EnumSet.allOf(ModelJson.Type.class), typesIn(spec.toJson()), "covers every JSON type");
    }

    @Test
    void unknownTypeListsEveryLegalType() {
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> ModelSpec.parseJson("{\"name\": \"x\", \"layers\": [{\"type\": \"lstm\"}]}"));
        assertEquals("model JSON: layers[0].type: expected one of [conv2d, max_pool, average_pool,"
                + " global_average_pool, batch_norm, concat, add, dense, relu, flatten, dropout], found \"lstm\"",
                e.getMessage());
    }

    private static Set<ModelJson.Type> typesIn(String json) {
        List<ModelJson.Type> found = new ArrayList<>();
        for (ModelJson.Type t : ModelJson.Type.values()) {
            if (json.contains("\"" + t.jsonName() + "\"")) {
                found.add(t);
            }
        }
        return found.isEmpty() ? EnumSet.noneOf(ModelJson.Type.class) : EnumSet.copyOf(found);
    }
}
