package dev.smoothcal.trainer.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.trainer.model.Layer.Bias;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Reads and writes the JSON form of a {@link ModelSpec}; the schema is documented on {@link ModelSpec#fromJson}. */
final class ModelJson {

    /**
     * The layer types of the JSON schema: the {@code "type"} string each is read from and written with, and
     * how its object is read. Reading and writing both go through this table, so the names cannot drift.
     */
    enum Type {
        CONV2D("conv2d", ModelJson::conv2d),
        MAX_POOL("max_pool", (at, n) -> {
            Window w = window(at, n);
            return new Layer.MaxPool(w.pool()[0], w.pool()[1], w.strides()[0], w.strides()[1], w.padding());
        }),
        AVERAGE_POOL("average_pool", (at, n) -> {
            Window w = window(at, n);
            return new Layer.AveragePool(w.pool()[0], w.pool()[1], w.strides()[0], w.strides()[1], w.padding());
        }),
        GLOBAL_AVERAGE_POOL("global_average_pool", (at, n) -> {
            onlyKeys(at, n, Set.of("type"));
            return new Layer.GlobalAveragePool();
        }),
        BATCH_NORM("batch_norm", (at, n) -> {
            onlyKeys(at, n, Set.of("type", "momentum", "epsilon"));
            return new Layer.BatchNorm(number(at, n, "momentum", Layer.BatchNorm.DEFAULT_MOMENTUM),
                    number(at, n, "epsilon", Layer.BatchNorm.DEFAULT_EPSILON));
        }),
        CONCAT("concat", (at, n) -> new Layer.Concat(branches(at, n))),
        ADD("add", (at, n) -> new Layer.Add(branches(at, n))),
        DENSE("dense", (at, n) -> {
            onlyKeys(at, n, Set.of("type", "units"));
            return new Layer.Dense(integer(at, n, "units"));
        }),
        RELU("relu", (at, n) -> {
            onlyKeys(at, n, Set.of("type"));
            return new Layer.Relu();
        }),
        FLATTEN("flatten", (at, n) -> {
            onlyKeys(at, n, Set.of("type"));
            return new Layer.Flatten();
        }),
        DROPOUT("dropout", (at, n) -> {
            onlyKeys(at, n, Set.of("type", "rate"));
            return new Layer.Dropout(number(at, n, "rate", Double.NaN));
        });

        private final String jsonName;
        private final Reader reader;

        Type(String jsonName, Reader reader) {
            this.jsonName = jsonName;
            this.reader = reader;
        }

        /** The {@code "type"} string. */
        String jsonName() {
            return jsonName;
        }

        /** Every {@code "type"} string, in declaration order. */
        static List<String> jsonNames() {
            return Arrays.stream(values()).map(Type::jsonName).toList();
        }

        /** The type called {@code jsonName}, or empty. */
        static Optional<Type> of(String jsonName) {
            return Arrays.stream(values()).filter(t -> t.jsonName.equals(jsonName)).findFirst();
        }
    }

    /** Reads one layer object whose type is known. */
    @FunctionalInterface
    private interface Reader {
        Layer read(At at, JsonNode n);
    }

    /** Where a node sits: the source (file or "model JSON") and the path in it, such as {@code layers[2]}. */
    private record At(String source, String path) {
        /** {@code source: path: problem}, or {@code source: problem} at the root. */
        SmoothcalException fail(String problem) {
            return new SmoothcalException(source + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
        }

        /** {@code source: path.key: problem}. */
        SmoothcalException fail(String key, String problem) {
            return new SmoothcalException(source + ": " + path + "." + key + ": " + problem);
        }
    }

    private record Window(int[] pool, int[] strides, Padding padding) {
    }

    private ModelJson() {
    }

    static ModelSpec read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new SmoothcalException("expected a JSON model file at " + file + ", found nothing there", e);
        } catch (IOException e) {
            throw new SmoothcalException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        // Editors on Windows write a UTF-8 byte-order mark; it is no part of the JSON.
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return parse(text, "model file " + file);
    }

    static ModelSpec parse(String text, String source) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SmoothcalException(source + ": expected valid JSON, found: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SmoothcalException(source + ": expected a JSON object {\"name\": ..., \"layers\": [...]}, found "
                    + (root == null ? "nothing" : root.getNodeType()));
        }
        onlyKeys(new At(source, ""), root, Set.of("name", "classes", "layers"));
        JsonNode name = root.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw new SmoothcalException(source + ": name: expected a non-empty string, found " + name);
        }
        JsonNode classes = root.get("classes");
        if (classes != null && (!classes.canConvertToInt() || !classes.isIntegralNumber() || classes.asInt() < 2)) {
            throw new SmoothcalException(source + ": classes: expected an integer of at least 2, found " + classes);
        }
        return new ModelSpec(name.asText(), layers(source, "layers", root.get("layers")),
                classes == null ? 0 : classes.asInt());
    }

    private static List<Layer> layers(String source, String path, JsonNode node) {
        if (node == null || !node.isArray()) {
            throw new SmoothcalException(source + ": " + path + ": expected an array of layers, found " + node);
        }
        List<Layer> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(layer(new At(source, path + "[" + i + "]"), node.get(i)));
        }
        return out;
    }

    private static Layer layer(At at, JsonNode n) {
        if (!n.isObject()) {
            throw at.fail("expected a layer object, found " + n);
        }
        JsonNode typeNode = n.get("type");
        Type type = (typeNode == null || !typeNode.isTextual() ? Optional.<Type>empty() : Type.of(typeNode.asText()))
                .orElseThrow(() -> at.fail("type", "expected one of " + Type.jsonNames() + ", found " + typeNode));
        try {
            return type.reader.read(at, n);
        } catch (SmoothcalException e) {
            if (e.getMessage().startsWith(at.source())) {
                throw e;
            }
            throw new SmoothcalException(at.source() + ": " + at.path() + " (" + type.jsonName() + "): "
                    + e.getMessage(), e);
        }
    }

    private static Layer conv2d(At at, JsonNode n) {
        onlyKeys(at, n, Set.of("type", "filters", "kernel", "strides", "padding", "use_bias"));
        int[] k = pair(at, n, "kernel", null);
        int[] s = pair(at, n, "strides", new int[] {1, 1});
        JsonNode bias = n.get("use_bias");
        if (bias != null && !bias.isBoolean()) {
            throw at.fail("use_bias", "expected true or false, found " + bias);
        }
        return new Layer.Conv2D(integer(at, n, "filters"), k[0], k[1], s[0], s[1],
                padding(at, n), bias == null || bias.asBoolean() ? Bias.USE : Bias.NONE);
    }

    private static Window window(At at, JsonNode n) {
        onlyKeys(at, n, Set.of("type", "pool", "strides", "padding"));
        int[] p = pair(at, n, "pool", null);
        return new Window(p, pair(at, n, "strides", p), padding(at, n));
    }

    private static List<List<Layer>> branches(At at, JsonNode n) {
        onlyKeys(at, n, Set.of("type", "branches"));
        JsonNode b = n.get("branches");
        if (b == null || !b.isArray()) {
            throw at.fail("branches", "expected an array of layer arrays, found " + b);
        }
        List<List<Layer>> branches = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            branches.add(layers(at.source(), at.path() + ".branches[" + i + "]", b.get(i)));
        }
        return branches;
    }

    private static void onlyKeys(At at, JsonNode n, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw at.fail("unknown key '" + key + "', expected one of " + allowed.stream().sorted().toList());
            }
        }
    }

    private static int integer(At at, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw at.fail(key, "expected an integer, found " + v);
        }
        return v.intValue();
    }

    private static double number(At at, JsonNode n, String key, double fallback) {
        JsonNode v = n.get(key);
        if (v == null && !Double.isNaN(fallback)) {
            return fallback;
        }
        if (v == null || !v.isNumber()) {
            throw at.fail(key, "expected a number, found " + v);
        }
        return v.doubleValue();
    }

    private static int[] pair(At at, JsonNode n, String key, int[] fallback) {
        JsonNode v = n.get(key);
        if (v == null && fallback != null) {
            return fallback;
        }
        if (v != null && v.isIntegralNumber() && v.canConvertToInt()) {
            return new int[] {v.intValue(), v.intValue()};
        }
        if (v == null || !v.isArray() || v.size() != 2 || !v.get(0).isIntegralNumber() || !v.get(1).isIntegralNumber()
                || !v.get(0).canConvertToInt() || !v.get(1).canConvertToInt()) {
            throw at.fail(key, "expected [height, width] (two integers) or one integer, found " + v);
        }
        return new int[] {v.get(0).intValue(), v.get(1).intValue()};
    }

    private static Padding padding(At at, JsonNode n) {
        JsonNode v = n.get("padding");
        if (v == null) {
            return Padding.VALID;
        }
        if (v.isTextual()) {
            String s = v.asText().toUpperCase(Locale.ROOT);
            for (Padding p : Padding.values()) {
                if (p.name().equals(s)) {
                    return p;
                }
            }
        }
        throw at.fail("padding", "expected \"same\" or \"valid\", found " + v);
    }

    static String write(ModelSpec spec) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("name", spec.name());
        if (spec.classes() != 0) {
            root.put("classes", spec.classes());
        }
        root.set("layers", array(spec.layers()));
        return Json.toString(root);
    }

    private static ArrayNode array(List<Layer> layers) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Layer l : layers) {
            a.add(l.accept(WRITER));
        }
        return a;
    }

    private static final Layer.Visitor<ObjectNode> WRITER = new Layer.Visitor<>() {
        @Override
        public ObjectNode conv2d(Layer.Conv2D c) {
            ObjectNode n = typed(Type.CONV2D).put("filters", c.filters());
            n.putArray("kernel").add(c.kernelH()).add(c.kernelW());
            n.putArray("strides").add(c.strideH()).add(c.strideW());
            return n.put("padding", c.padding().name().toLowerCase(Locale.ROOT)).put("use_bias", c.bias() == Bias.USE);
        }

        @Override
        public ObjectNode maxPool(Layer.MaxPool m) {
            return window(typed(Type.MAX_POOL), m.poolH(), m.poolW(), m.strideH(), m.strideW(), m.padding());
        }

        @Override
        public ObjectNode averagePool(Layer.AveragePool a) {
            return window(typed(Type.AVERAGE_POOL), a.poolH(), a.poolW(), a.strideH(), a.strideW(), a.padding());
        }

        @Override
        public ObjectNode globalAveragePool(Layer.GlobalAveragePool g) {
            return typed(Type.GLOBAL_AVERAGE_POOL);
        }

        @Override
        public ObjectNode batchNorm(Layer.BatchNorm b) {
            return typed(Type.BATCH_NORM).put("momentum", b.momentum()).put("epsilon", b.epsilon());
        }

        @Override
        public ObjectNode concat(Layer.Concat c) {
            ObjectNode n = typed(Type.CONCAT);
            ArrayNode branches = n.putArray("branches");
            c.branches().forEach(b -> branches.add(array(b)));
            return n;
        }

        @Override
        public ObjectNode add(Layer.Add a) {
            ObjectNode n = typed(Type.ADD);
            ArrayNode branches = n.putArray("branches");
            a.branches().forEach(b -> branches.add(array(b)));
            return n;
        }

        @Override
        public ObjectNode dense(Layer.Dense d) {
            return typed(Type.DENSE).put("units", d.units());
        }

        @Override
        public ObjectNode relu(Layer.Relu r) {
            return typed(Type.RELU);
        }

        @Override
        public ObjectNode flatten(Layer.Flatten f) {
            return typed(Type.FLATTEN);
        }

        @Override
        public ObjectNode dropout(Layer.Dropout d) {
            return typed(Type.DROPOUT).put("rate", d.rate());
        }
    };

    private static ObjectNode typed(Type type) {
        return Json.MAPPER.createObjectNode().put("type", type.jsonName());
    }

    private static ObjectNode window(ObjectNode n, int ph, int pw, int sh, int sw, Padding padding) {
        n.putArray("pool").add(ph).add(pw);
        n.putArray("strides").add(sh).add(sw);
        return n.put("padding", padding.name().toLowerCase(Locale.ROOT));
    }
}
