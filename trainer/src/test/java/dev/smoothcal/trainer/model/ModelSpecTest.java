package dev.smoothcal.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageShape;
import dev.smoothcal.trainer.model.Layer.Bias;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelSpecTest {

    @ParameterizedTest(name = "{0} in {1}, k {2}, s {3}")
    @CsvSource({
        // padding, in, k, s, out, before, after: worked by hand from TF's rules
        "SAME, 8, 3, 2, 4, 0, 1", // total (4-1)*2+3-8 = 1: the odd pixel at the end
        "SAME, 7, 3, 2, 4, 1, 1", // total 2
        "SAME, 28, 3, 1, 28, 1, 1",
        "SAME, 7, 2, 2, 4, 0, 1",
        "SAME, 6, 1, 2, 3, 0, 0", // (3-1)*2+1-6 = -1 -> 0
        "SAME, 1, 3, 2, 1, 1, 1",
        "VALID, 32, 3, 2, 15, 0, 0",
        "VALID, 15, 3, 2, 7, 0, 0",
        "VALID, 3, 3, 2, 1, 0, 0",
        "VALID, 2, 3, 2, 0, 0, 0"})
    void paddingArithmetic(Padding padding, long in, long k, long s, long out, long before, long after) {
        assertEquals(out, padding.outputSize(in, k, s));
        if (out > 0) {
            assertArrayEquals(new long[] {before, after}, padding.pads(in, k, s));
        }
    }

    @Test
    void miniGoogLeNetOnCifarShapesAndParameterCount() {
        ResolvedModel m = ModelSpec.preset("minigooglenet").resolve(new ImageShape(32, 32, 3), 10);
        List<ResolvedModel.Step> s = m.steps();
        assertArrayEquals(new long[] {32, 32, 96}, s.get(2).outputShape());
        assertArrayEquals(new long[] {32, 32, 64}, s.get(3).outputShape()); // inception(32, 32)
        assertArrayEquals(new long[] {15, 15, 160}, s.get(5).outputShape()); // downsample(80): 80 conv + 80 pooled
        assertArrayEquals(new long[] {7, 7, 240}, s.get(10).outputShape()); // downsample(96): 96 + 144
        assertArrayEquals(new long[] {7, 7, 336}, s.get(12).outputShape());
        assertArrayEquals(new long[] {336}, s.get(13).outputShape()); // global average pool = the 7x7 average pool
        assertArrayEquals(new long[] {10}, s.get(s.size() - 1).outputShape());
        // Keras model.summary() of this network on 32x32x3, 10 classes, as printed in the MiniGoogLeNet
        // CIFAR-10 tutorial: total 1,656,250, non-trainable (moving statistics) 3,424.
        assertEquals(1_656_250, m.parameterCount());
        assertEquals(1_656_250 - 3_424, m.trainableParameterCount());
        var names = new HashSet<String>();
        for (ResolvedModel.Param p : m.params()) {
            assertTrue(names.add(p.name()), "duplicate " + p.name());
            assertTrue(p.name().matches("(conv|bn|dense)\\d+_[a-z_]+"), p.name());
            assertEquals(p.name().contains("_moving_") ? ParamKind.STATE : ParamKind.TRAINABLE, p.kind(), p.name());
        }
        ResolvedModel.Param first = m.params().get(0);
        assertEquals("conv1_kernel", first.name());
        assertArrayEquals(new long[] {3, 3, 3, 96}, first.shape()); // HWIO
    }

    @Test
    void cifarResNetsHaveThePapersShapesAndParameterCounts() {
        ResolvedModel r20 = ModelSpec.preset("resnet20").resolve(new ImageShape(32, 32, 3), 10);
        List<ResolvedModel.Step> s = r20.steps();
        // conv, bn, relu, then 3 stages x 3 blocks of (Add, ReLU), gap, head
        assertEquals(3 + 3 * 3 * 2 + 2, s.size());
        assertArrayEquals(new long[] {32, 32, 16}, s.get(3).outputShape()); // stage 1 keeps 32x32
        assertArrayEquals(new long[] {16, 16, 32}, s.get(9).outputShape()); // stage 2 strides to 16x16
        assertArrayEquals(new long[] {8, 8, 64}, s.get(15).outputShape()); // stage 3 strides to 8x8
        assertEquals(List.of(), s.get(3).branches().get(1), "identity shortcut inside a stage");
        assertEquals(2, s.get(9).branches().get(1).size(), "projection shortcut: 1x1 conv + batch norm");
        // He et al. 2016, table 6: ResNet-20 0.27M, ResNet-56 0.85M (option A). Option B adds the two
        // projections: 16*32 + 32*64 kernel values and their batch norms (4 * (32 + 64)).
        // By hand: conv1 432 + bn 64; stage 1: 3 * (2 * 2304 + 2 * 64); stage 2: 4608 + 9216 + 2 * 128 + 512 + 128
        // + 2 * (2 * 9216 + 2 * 128); stage 3: 18432 + 36864 + 2 * 256 + 2048 + 256 + 2 * (2 * 36864 + 2 * 256);
        // head 64 * 10 + 10.
        assertEquals(274_042, r20.parameterCount());
        assertEquals(274_042 - 2 * (16 * 7 + 32 * 7 + 64 * 7), r20.trainableParameterCount()); // 21 bn layers: moving stats
        ResolvedModel r56 = ModelSpec.preset("resnet56").resolve(new ImageShape(32, 32, 3), 10);
        assertEquals(3 + 3 * 9 * 2 + 2, r56.steps().size());
        assertEquals(860_026, r56.parameterCount());
        assertTrue(Math.abs(r56.trainableParameterCount() - 0.85e6) < 0.01e6, "" + r56.trainableParameterCount());
    }

    @Test
    void addNeedsBranchesOfEqualShape() {
        ModelSpec bad = ModelSpec.builder("bad").conv2d(4, 3, Padding.SAME)
                .sum(ModelSpec.branch().conv2d(8, 3, Padding.SAME), ModelSpec.branch()).build();
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> bad.resolve(new ImageShape(8, 8, 1), 3));
        assertEquals("model bad: Add at layers[1] needs branches of equal shape to sum, found layers[1].branches[0] -> "
                + "[8, 8, 8] and layers[1].branches[1] -> [8, 8, 4] (input [8, 8, 4])", e.getMessage());
        ModelSpec flat = ModelSpec.builder("flat").flatten()
                .sum(ModelSpec.branch().dense(64), ModelSpec.branch()).build();
        ResolvedModel m = flat.resolve(new ImageShape(8, 8, 1), 3);
        assertArrayEquals(new long[] {64}, m.steps().get(1).outputShape());
        SmoothcalException one = assertThrows(SmoothcalException.class, () -> new Layer.Add(List.of(List.of())));
        assertEquals("Add.branches must hold at least 2 branches, found 1", one.getMessage());
    }

    @Test
    void addReadsAndWritesJson() {
        ModelSpec spec = ModelSpec.parseJson("""
                {"name": "res", "layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "padding": "same"},
                  {"type": "add", "branches": [[{"type": "conv2d", "filters": 4, "kernel": 3, "padding": "same"}], []]},
                  {"type": "relu"}, {"type": "flatten"}]}
                """);
        assertEquals(ModelSpec.builder("res").conv2d(4, 3, Padding.SAME)
                .sum(ModelSpec.branch().conv2d(4, 3, Padding.SAME), ModelSpec.branch()).relu().flatten().build(), spec);
        assertEquals(spec, ModelSpec.parseJson(spec.toJson()));
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> ModelSpec.parseJson(
                "{\"name\": \"r\", \"layers\": [{\"type\": \"add\", \"branches\": [[{\"type\": \"rel\"}], []]}]}"));
        assertEquals("model JSON: layers[0].branches[0][0].type: expected one of [conv2d, max_pool, average_pool, "
                + "global_average_pool, batch_norm, concat, add, dense, relu, flatten, dropout], found \"rel\"",
                e.getMessage());
    }

    @Test
    void presetsResolveFromEightByEight() {
        ResolvedModel cnn = ModelSpec.preset("cnn").resolve(new ImageShape(8, 8, 1), 10);
        // 8 -> pool 4 -> pool 2: flatten 2*2*64
        assertArrayEquals(new long[] {256}, cnn.steps().get(8).outputShape());
        ResolvedModel fashion = ModelSpec.preset("cnn").resolve(new ImageShape(28, 28, 1), 10);
        assertArrayEquals(new long[] {7 * 7 * 64}, fashion.steps().get(8).outputShape());
        ResolvedModel g = ModelSpec.preset("minigooglenet").resolve(new ImageShape(8, 8, 1), 10);
        // 8 -> (8-3)/2+1 = 3 -> (3-3)/2+1 = 1
        assertArrayEquals(new long[] {1, 1, 240}, g.steps().get(10).outputShape());
        assertEquals(List.of("cnn", "minigooglenet", "mlp", "resnet20", "resnet56"), ModelSpec.presetNames());
    }

    @Test
    void inputTooSmallNamesTheLayerItsInputAndWhatItNeeds() {
        // 6 -> (6-3)/2+1 = 2, then the second downsample's 3x3 VALID conv cannot fit
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> ModelSpec.preset("minigooglenet").resolve(new ImageShape(6, 6, 3), 10));
        assertTrue(e.getMessage().contains("layers[10].branches[0][0]"), e.getMessage());
        assertTrue(e.getMessage().contains("at least 3x3"), e.getMessage());
        assertTrue(e.getMessage().contains("found input shape [2, 2, 144]"), e.getMessage());
    }

    @Test
    void denseOnAnImageIsRejected() {
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> new ModelSpec("bad", List.of(new Layer.Dense(10))).resolve(new ImageShape(8, 8, 1), 3));
        assertTrue(e.getMessage().contains("layers[0] Dense"), e.getMessage());
        assertTrue(e.getMessage().contains("flat input") && e.getMessage().contains("[8, 8, 1]"), e.getMessage());
        SmoothcalException head = assertThrows(SmoothcalException.class,
                () -> new ModelSpec("bad", List.of(new Layer.Relu())).resolve(new ImageShape(8, 8, 1), 3));
        assertTrue(head.getMessage().contains("head Dense"), head.getMessage());
    }

    @Test
    void spatialLayerOnFlatInputIsRejected() {
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> new ModelSpec("bad",
                List.of(new Layer.Flatten(), new Layer.MaxPool(2, 2, 2, 2, Padding.VALID))).resolve(new ImageShape(8, 8, 1), 3));
        assertTrue(e.getMessage().contains("layers[1] MaxPool") && e.getMessage().contains("[64]"), e.getMessage());
    }

    @Test
    void concatBranchesWithDifferentSpatialShapesAreRejected() {
        Layer cat = new Layer.Concat(List.of(List.of(Layer.Conv2D.square(4, 3, 2, Padding.SAME, Bias.USE)),
                List.of(new Layer.Relu())));
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> new ModelSpec("bad", List.of(cat, new Layer.Flatten())).resolve(new ImageShape(8, 8, 1), 3));
        assertTrue(e.getMessage().contains("equal height and width"), e.getMessage());
        assertTrue(e.getMessage().contains("layers[0].branches[0] -> [4, 4, 4]")
                && e.getMessage().contains("layers[0].branches[1] -> [8, 8, 1]"), e.getMessage());
    }

    @Test
    void initialWeightsFollowKeras() {
        ResolvedModel m = ModelSpec.preset("cnn").resolve(new ImageShape(28, 28, 1), 10);
        Weights w = Weights.initial(m, 9);
        float[] kernel = w.get("conv2_kernel");
        // Glorot with receptive field: fan_in 3*3*32, fan_out 3*3*64
        double limit = Math.sqrt(6.0 / (9 * 32 + 9 * 64));
        double max = 0;
        for (float v : kernel) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= limit && max > 0.99 * limit, "max |kernel| " + max + ", limit " + limit);
        assertEquals(List.of(1f), distinct(w.get("bn1_gamma")));
        assertEquals(List.of(0f), distinct(w.get("bn1_beta")));
        assertEquals(List.of(0f), distinct(w.get("bn2_moving_mean")));
        assertEquals(List.of(1f), distinct(w.get("bn2_moving_variance")));
        assertEquals(List.of(0f), distinct(w.get("dense1_bias")));
        Map<String, float[]> changed = w.asMap();
        changed.get("bn2_moving_mean")[0] = 0.5f;
        assertNotEquals(w.fingerprint(), Weights.of(m, changed).fingerprint(), "fingerprint covers state");
        assertEquals(w.fingerprint(), Weights.of(m, w.asMap()).fingerprint());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // computed before parameters had roles (commit 87bf5c6): names, shapes, order and initial values
        // are what checkpoints, SavedModels and run.json's model_fingerprint hold, so they must not move
        "cnn, sha256:081adcca0ce60e082e30e21880cbabb963325499589dbd3269e86fa4829150f6",
        "minigooglenet, sha256:e48dcb61d32eca9e67272038fb9326dc24be6424803729657c7a8654fcaf251c",
        "mlp, sha256:888808370a1e40dbb3dceb9259303d2f75f87d3c46116ce867ce04fc749a3aa7"})
    void initialWeightsFingerprintIsStable(String preset, String fingerprint) {
        ResolvedModel m = ModelSpec.preset(preset).resolve(new ImageShape(8, 8, 3), 10);
        assertEquals(fingerprint, Weights.initial(m, 42).fingerprint());
    }

    @Test
    void eachParameterHasTheRoleItsNameEndsIn() {
        ResolvedModel m = ModelSpec.preset("minigooglenet").resolve(new ImageShape(8, 8, 3), 10);
        for (ResolvedModel.Param p : m.params()) {
            assertTrue(p.name().endsWith("_" + p.role().suffix()), p.name() + " " + p.role());
            assertEquals(p.role().kind(), p.kind());
            assertEquals(p.role().init(), p.init());
        }
        ResolvedModel.Step conv = m.steps().get(0);
        assertEquals("conv1_kernel", conv.param(ResolvedModel.Role.KERNEL).name());
        assertEquals("conv1_bias", conv.param(ResolvedModel.Role.BIAS).name());
        assertEquals("bn1_moving_variance", m.steps().get(1).param(ResolvedModel.Role.MOVING_VARIANCE).name());
        ResolvedModel cnn = ModelSpec.preset("cnn").resolve(new ImageShape(8, 8, 1), 10);
        SmoothcalException none = assertThrows(SmoothcalException.class,
                () -> cnn.steps().get(0).param(ResolvedModel.Role.BIAS)); // conv without bias
        assertEquals(SmoothcalException.Kind.DEFECT, none.kind());
    }

    private static List<Float> distinct(float[] v) {
        return IntStream.range(0, v.length).mapToObj(i -> v[i]).distinct().toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn", "minigooglenet", "resnet20", "resnet56"})
    void presetsRoundTripThroughJson(String name) {
        ModelSpec p = ModelSpec.preset(name);
        assertEquals(p, ModelSpec.parseJson(p.toJson()));
    }

    @Test
    void jsonDefaultsAndLoad(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("net.json");
        Files.writeString(file, """
                {"name": "tiny", "layers": [
                  {"type": "conv2d", "filters": 8, "kernel": 3},
                  {"type": "batch_norm"},
                  {"type": "max_pool", "pool": [2, 2], "padding": "same"},
                  {"type": "concat", "branches": [[{"type": "relu"}], []]},
                  {"type": "global_average_pool"},
                  {"type": "dropout", "rate": 0.5},
                  {"type": "dense", "units": 16}]}
                """);
        ModelSpec spec = ModelSpec.load(file.toString());
        assertEquals(new ModelSpec("tiny", List.of(
                new Layer.Conv2D(8, 3, 3, 1, 1, Padding.VALID, Bias.USE),
                new Layer.BatchNorm(0.99, 1e-3),
                new Layer.MaxPool(2, 2, 2, 2, Padding.SAME),
                new Layer.Concat(List.of(List.of(new Layer.Relu()), List.of())),
                new Layer.GlobalAveragePool(), new Layer.Dropout(0.5), new Layer.Dense(16))), spec);
        assertEquals(ModelSpec.preset("cnn"), ModelSpec.load("cnn"));
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> ModelSpec.load("resnet"));
        assertTrue(e.getMessage().contains("[cnn, minigooglenet, mlp, resnet20, resnet56]") && e.getMessage().contains("'resnet'"),
                e.getMessage());
        assertEquals("model must be one of [cnn, minigooglenet, mlp, resnet20, resnet56] or a JSON model file, found 'resnet'"
                + " (no such preset or file)", e.getMessage());
        assertEquals(Optional.of("model"), e.parameter());
        SmoothcalException preset = assertThrows(SmoothcalException.class, () -> ModelSpec.preset("resnet"));
        assertEquals("model must be one of [cnn, minigooglenet, mlp, resnet20, resnet56], found 'resnet'", preset.getMessage());
        assertEquals(Optional.of("model"), preset.parameter());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[{\"type\": \"conv2d\", \"filters\": 8, \"kernal\": 3}] | layers[0]: unknown key 'kernal'",
        "[{\"type\": \"relu\"}, {\"type\": \"conv2d\", \"kernel\": 3}] | layers[1].filters: expected an integer, found null",
        "[{\"type\": \"conv2d\", \"filters\": \"8\", \"kernel\": 3}] | layers[0].filters: expected an integer",
        "[{\"type\": \"conv2d\", \"filters\": 0, \"kernel\": 3}] | layers[0] (conv2d): Conv2D.filters must be at least 1, found 0",
        "[{\"type\": \"conv2d\", \"filters\": 8, \"kernel\": [3, 3, 3]}] | layers[0].kernel: expected [height, width]",
        "[{\"type\": \"max_pool\", \"pool\": 2, \"padding\": \"full\"}] | layers[0].padding: expected \"same\" or \"valid\", found \"full\"",
        "[{\"type\": \"conv\"}] | layers[0].type: expected one of [conv2d,",
        "[{\"type\": \"dropout\"}] | layers[0].rate: expected a number",
        "[{\"type\": \"dropout\", \"rate\": 1.5}] | layers[0] (dropout): Dropout.rate must be in [0, 1), found 1.5",
        "[{\"type\": \"concat\", \"branches\": [[{\"type\": \"relu\"}], [{\"type\": \"dense\"}]]}] | layers[0].branches[1][0].units: expected an integer",
        "{\"type\": \"relu\"} | layers: expected an array of layers"})
    void badJsonNamesLayerAndField(String layers, String expected) {
        SmoothcalException e = assertThrows(SmoothcalException.class,
                () -> ModelSpec.parseJson("{\"name\": \"x\", \"layers\": " + layers + "}"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void malformedJsonAndMissingFile(@TempDir Path tmp) {
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> ModelSpec.parseJson("{\"name\": "));
        assertTrue(e.getMessage().startsWith("model JSON: expected valid JSON"), e.getMessage());
        SmoothcalException missing = assertThrows(SmoothcalException.class,
                () -> ModelSpec.fromJson(tmp.resolve("none.json")));
        assertTrue(missing.getMessage().contains("none.json"), missing.getMessage());
        SmoothcalException name = assertThrows(SmoothcalException.class,
                () -> ModelSpec.parseJson("{\"layers\": []}"));
        assertTrue(name.getMessage().contains("name: expected a non-empty string"), name.getMessage());
    }

    /** Shapes are multiplied in 64 bits and checked against the parameter budget before anything is built. */
    @Test
    void aModelAboveTheParameterBudgetIsBadInputNamingTheLayer() {
        ModelSpec huge = new ModelSpec("huge", List.of(new Layer.Flatten(), new Layer.Dense(Integer.MAX_VALUE)), 0);
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> huge.resolve(new ImageShape(8, 8, 1), 10));
        assertEquals(SmoothcalException.Kind.BAD_INPUT, e.kind());
        assertEquals(Optional.of("model"), e.parameter());
        assertTrue(e.getMessage().contains("huge: layers[1] ") && e.getMessage().contains("137438953408 parameters")
                && e.getMessage().contains("budget of 134217728"), e.getMessage());
        ModelSpec twoWide = new ModelSpec("wide", List.of(new Layer.Flatten(), new Layer.Dense(100000),
                new Layer.Dense(100000)), 0);
        SmoothcalException wide = assertThrows(SmoothcalException.class,
                () -> twoWide.resolve(new ImageShape(8, 8, 1), 10));
        assertTrue(wide.getMessage().contains("wide: layers[2] "), wide.getMessage());
        // 64-bit overflow of the shape product itself is caught too, not wrapped around.
        ModelSpec flat = new ModelSpec("flat", List.of(new Layer.Flatten()), 0);
        SmoothcalException big = assertThrows(SmoothcalException.class,
                () -> flat.resolve(new ImageShape(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE), 10));
        assertTrue(big.getMessage().contains("values per image, above the limit"), big.getMessage());
        // The largest preset stays well inside the budget.
        assertTrue(ModelSpec.preset("minigooglenet").resolve(new ImageShape(32, 32, 3), 10).parameterCount()
                < ModelSpec.PARAMETER_BUDGET);
    }

    /** A byte-order mark, as Windows editors write, is no part of the JSON and is not shown as garbage. */
    @Test
    void aModelFileWithAByteOrderMarkLoads(@TempDir Path dir) throws java.io.IOException {
        Path file = Files.writeString(dir.resolve("bom.json"), "\uFEFF{\"name\": \"bom\", \"layers\": [{\"type\": \"flatten\"}]}");
        assertEquals("bom", ModelSpec.load(file.toString()).name());
        Path bad = Files.writeString(dir.resolve("bad.json"), "\uFEFF{\"name\": \"bad\", \"layers\": [{\"type\": \"flat\"}]}");
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> ModelSpec.load(bad.toString()));
        assertFalse(e.getMessage().contains("\uFEFF"), e.getMessage());
    }
}
