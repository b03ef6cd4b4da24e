package dev.smoothcal.trainer.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import dev.smoothcal.trainer.augment.FillMode;
import dev.smoothcal.trainer.augment.FlipMode;
import dev.smoothcal.trainer.augment.MixMode;
import dev.smoothcal.trainer.graph.NormalizationMode;
import dev.smoothcal.trainer.loss.SmoothingMethod;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.optim.OptimizerKind;
import dev.smoothcal.trainer.optim.ScheduleKind;
import dev.smoothcal.trainer.train.Device;
import dev.smoothcal.trainer.train.Monitor;
import dev.smoothcal.trainer.train.TrainingConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Reads {@link TrainingRecipe} files: one key table, each key a builder parameter in snake case. */
final class RecipeReader {
    private static final ObjectMapper YAML = new YAMLMapper();

    /** Sets one builder parameter from its node; {@code at} names the key in messages. */
    @FunctionalInterface
    private interface Setter {
        void set(At at, JsonNode value, TrainingConfig.Builder b);
    }

    /**
     * The keys of the training settings: the builder parameter each sets (whose snake-case form is the key)
     * and how its value is read.
     */
    enum Key {
        EPOCHS("epochs", (at, v, b) -> b.epochs(integer(at, v))),
        BATCH_SIZE("batchSize", (at, v, b) -> b.batchSize(integer(at, v))),
        OPTIMIZER("optimizer", (at, v, b) -> b.optimizer(choice(at, v, OptimizerKind.class))),
        LEARNING_RATE("learningRate", (at, v, b) -> b.learningRate(number(at, v))),
        MOMENTUM("momentum", (at, v, b) -> b.momentum(number(at, v))),
        WEIGHT_DECAY("weightDecay", (at, v, b) -> b.weightDecay(number(at, v))),
        SCHEDULE("schedule", (at, v, b) -> b.schedule(choice(at, v, ScheduleKind.class))),
        STEP_EVERY("stepEvery", (at, v, b) -> b.stepEvery(integer(at, v))),
        STEP_FACTOR("stepFactor", (at, v, b) -> b.stepFactor(number(at, v))),
        POLY_POWER("polyPower", (at, v, b) -> b.polyPower(number(at, v))),
        WARMUP_EPOCHS("warmupEpochs", (at, v, b) -> b.warmupEpochs(number(at, v))),
        LABEL_SMOOTHING("labelSmoothing", (at, v, b) -> b.labelSmoothing(number(at, v))),
        SMOOTHING_CONVENTION("smoothingConvention", (at, v, b) -> b.smoothingConvention(convention(at, v))),
        SMOOTHING_METHOD("smoothingMethod", (at, v, b) -> b.smoothingMethod(choice(at, v, SmoothingMethod.class))),
        MIXUP_ALPHA("mixupAlpha", (at, v, b) -> b.mixupAlpha(number(at, v))),
        CUTMIX_ALPHA("cutmixAlpha", (at, v, b) -> b.cutmixAlpha(number(at, v))),
        MIX_PROBABILITY("mixProbability", (at, v, b) -> b.mixProbability(number(at, v))),
        SWITCH_PROBABILITY("switchProbability", (at, v, b) -> b.switchProbability(number(at, v))),
        MIX_MODE("mixMode", (at, v, b) -> b.mixMode(choice(at, v, MixMode.class))),
        CUTMIX_MINMAX("cutmixMinmax", (at, v, b) -> {
            double[] bounds = pair(at, v);
            b.cutmixMinmax(bounds[0], bounds[1]);
        }),
        NORMALIZATION("normalization", (at, v, b) -> b.normalization(normalization(at, v))),
        SHIFT("shift", (at, v, b) -> b.shift(number(at, v))),
        FLIP("flip", (at, v, b) -> b.flip(choice(at, v, FlipMode.class))),
        FILL("fill", (at, v, b) -> b.fill(choice(at, v, FillMode.class))),
        SEED("seed", (at, v, b) -> b.seed(longInteger(at, v))),
        VALIDATION_FRACTION("validationFraction", (at, v, b) -> b.validationFraction(number(at, v))),
        MONITOR("monitor", (at, v, b) -> b.monitor(choice(at, v, Monitor.class))),
        PATIENCE("patience", (at, v, b) -> b.patience(integer(at, v))),
        DEVICE("device", (at, v, b) -> b.device(Device.parse(text(at, v))));

        private final String parameter;
        private final String key;
        private final Setter setter;

        Key(String parameter, Setter setter) {
            this.parameter = parameter;
            this.key = snake(parameter);
            this.setter = setter;
        }

        /** The file's key: the parameter in snake case ({@code batch_size}). */
        String key() {
            return key;
        }

        /** The builder parameter it sets ({@code batchSize}). */
        String parameter() {
            return parameter;
        }

        static Optional<Key> of(String key) {
            return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
        }
    }

    /** The keys that are not training settings. */
    private static final List<String> OTHER_KEYS = List.of("name", "description", "data", "model");

    /** Where a value sits: the source ("recipe file r.json") and its key. */
    private record At(String source, String key) {
        SmoothcalException fail(String problem) {
            return new SmoothcalException(source + ": " + key + ": " + problem);
        }
    }

    private RecipeReader() {
    }

    static TrainingRecipe read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SmoothcalException("expected a recipe file at " + file + ", found nothing there", e);
        } catch (IOException e) {
            throw new SmoothcalException("cannot read recipe file " + file + ": " + e.getMessage(), e);
        }
        String fileName = file.getFileName().toString();
        String lower = fileName.toLowerCase(Locale.ROOT);
        boolean yaml = lower.endsWith(".yaml") || lower.endsWith(".yml");
        int dot = fileName.lastIndexOf('.');
        return parse(text, yaml, "recipe file " + file, dot > 0 ? fileName.substring(0, dot) : fileName);
    }

    /**
     * The parser's complaint on one line: SnakeYAML's text spans lines with the offending line quoted and
     * a caret under it; only its sentences are kept, then the position.
     */
    private static String problem(JsonProcessingException e) {
        java.util.LinkedHashSet<String> sentences = new java.util.LinkedHashSet<>();
        for (String line : String.valueOf(e.getOriginalMessage()).split("\\R")) {
            String t = line.strip();
            if (!t.isEmpty() && !t.equals("^") && !t.startsWith("in 'reader'") && !line.startsWith("    ")) {
                sentences.add(t);
            }
        }
        var where = e.getLocation();
        return String.join("; ", sentences) + (where == null || where.getLineNr() < 1 ? ""
                : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")");
    }

    static TrainingRecipe parse(String text, boolean yaml, String source, String defaultName) {
        JsonNode root;
        try {
            root = (yaml ? YAML : Json.MAPPER).readTree(text);
        } catch (JsonProcessingException e) {
            throw new SmoothcalException(source + ": expected valid " + (yaml ? "YAML" : "JSON") + ", found: "
                    + problem(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new SmoothcalException(source + ": expected an object of settings {\"epochs\": ..., ...}, found "
                    + (root == null || root.isMissingNode() ? "nothing" : root.getNodeType()));
        }
        TrainingConfig.Builder builder = TrainingConfig.builder();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (OTHER_KEYS.contains(field.getKey())) {
                continue;
            }
            At at = new At(source, field.getKey());
            Key key = Key.of(field.getKey()).orElseThrow(() -> new SmoothcalException(source + ": unknown key '"
                    + field.getKey() + "', expected one of " + allKeys()));
            try {
                key.setter.set(at, field.getValue(), builder);
            } catch (SmoothcalException e) {
                throw located(source, e);
            }
        }
        TrainingConfig config;
        try {
            config = builder.build();
        } catch (SmoothcalException e) {
            throw located(source, e);
        }
        String name = optionalText(source, root, "name");
        String data = optionalText(source, root, "data");
        return new TrainingRecipe(name != null ? name : defaultName, Optional.ofNullable(
                optionalText(source, root, "description")).orElse(""), data, model(source, root.get("model")), config);
    }

    /** A library error about a parameter, restated with the file and the parameter's key. */
    private static SmoothcalException located(String source, SmoothcalException e) {
        if (e.getMessage().startsWith(source)) {
            return e;
        }
        return e.parameter()
                .map(p -> new SmoothcalException(source + ": " + snake(p) + ":"
                        + e.getMessage().substring(p.length()).replaceFirst("^:", ""), e))
                .orElseGet(() -> new SmoothcalException(source + ": " + e.getMessage(), e));
    }

    private static ModelSpec model(String source, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            try {
                return ModelSpec.load(node.asText());
            } catch (SmoothcalException e) {
                throw e.parameter().isPresent() ? located(source, e)
                        : new SmoothcalException(source + ": model: " + e.getMessage(), e);
            }
        }
        if (node.isObject()) {
            return ModelSpec.parseJson(Json.toString(node), source + ": model");
        }
        throw new SmoothcalException(source + ": model: expected a preset name, a model file or a model object, "
                + "found " + node);
    }

    private static String optionalText(String source, JsonNode root, String key) {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new SmoothcalException(source + ": " + key + ": expected a non-empty string, found " + v);
        }
        return v.asText();
    }

    private static List<String> allKeys() {
        return java.util.stream.Stream.concat(OTHER_KEYS.stream(), Arrays.stream(Key.values()).map(Key::key))
                .sorted().toList();
    }

    private static int integer(At at, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw at.fail("expected an integer, found " + v);
        }
        return v.intValue();
    }

    private static long longInteger(At at, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw at.fail("expected an integer, found " + v);
        }
        return v.longValue();
    }

    private static double number(At at, JsonNode v) {
        if (!v.isNumber()) {
            throw at.fail("expected a number, found " + v);
        }
        return v.doubleValue();
    }

    private static String text(At at, JsonNode v) {
        if (!v.isTextual()) {
            throw at.fail("expected a string, found " + v);
        }
        return v.asText();
    }

    /** An enum constant from its lower-case name, {@code '-'} read as {@code '_'}. */
    private static <E extends Enum<E>> E choice(At at, JsonNode v, Class<E> type) {
        String t = text(at, v);
        String wanted = t.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E c : type.getEnumConstants()) {
            if (c.name().equals(wanted)) {
                return c;
            }
        }
        throw at.fail("expected one of " + Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ", found '" + t + "'");
    }

    /** {@code [MIN, MAX]}: a list of two numbers (timm's {@code cutmix_minmax: [0.2, 0.8]}). */
    private static double[] pair(At at, JsonNode v) {
        if (!v.isArray() || v.size() != 2 || !v.get(0).isNumber() || !v.get(1).isNumber()) {
            throw at.fail("expected a list of two numbers [MIN, MAX], found " + v);
        }
        return new double[] {v.get(0).doubleValue(), v.get(1).doubleValue()};
    }

    private static NormalizationMode normalization(At at, JsonNode v) {
        String t = text(at, v);
        for (NormalizationMode m : NormalizationMode.values()) {
            if (m.id().equals(t)) {
                return m;
            }
        }
        throw at.fail("expected channel or mean-image, found '" + t + "'");
    }

    private static SmoothingConvention convention(At at, JsonNode v) {
        String t = text(at, v);
        for (SmoothingConvention c : SmoothingConvention.values()) {
            if (c.id().equals(t)) {
                return c;
            }
        }
        throw at.fail("expected uniform or other-classes, found '" + t + "'");
    }

    /** {@code batchSize} to {@code batch_size}. */
    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
