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
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads and writes the JSON form of a {@link ModelSpec}; the schema is documented on {@link ModelSpec#fromJson}. */
final class ModelJson {
    private static final List<String> TYPES = List.of("conv2d", "max_pool", "average_pool", "global_average_pool",
            "batch_norm", "concat", "dense", "relu", "flatten", "dropout");

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
        onlyKeys(source, "", root, Set.of("name", "classes", "layers"));
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
            out.add(layer(source, path + "[" + i + "]", node.get(i)));
        }
        return out;
    }

    private static Layer layer(String source, String path, JsonNode n) {
        if (!n.isObject()) {
            throw new SmoothcalException(source + ": " + path + ": expected a layer object, found " + n);
        }
        JsonNode typeNode = n.get("type");
        String type = typeNode == null || !typeNode.isTextual() ? null : typeNode.asText();
        if (type == null || !TYPES.contains(type)) {
            throw new SmoothcalException(source + ": " + path + ".type: expected one of " + TYPES + ", found "
                    + typeNode);
        }
        try {
            switch (type) {
                case "conv2d" -> {
                    onlyKeys(source, path, n, Set.of("type", "filters", "kernel", "strides", "padding", "use_bias"));
                    int[] k = pair(source, path, n, "kernel", null);
                    int[] s = pair(source, path, n, "strides", new int[] {1, 1});
                    JsonNode bias = n.get("use_bias");
                    if (bias != null && !bias.isBoolean()) {
                        throw new SmoothcalException(source + ": " + path + ".use_bias: expected true or false, found "
                                + bias);
                    }
                    return new Layer.Conv2D(integer(source, path, n, "filters"), k[0], k[1], s[0], s[1],
                            padding(source, path, n), bias == null || bias.asBoolean() ? Bias.USE : Bias.NONE);
                }
                case "max_pool", "average_pool" -> {
                    onlyKeys(source, path, n, Set.of("type", "pool", "strides", "padding"));
                    int[] p = pair(source, path, n, "pool", null);
                    int[] s = pair(source, path, n, "strides", p);
                    Padding pad = padding(source, path, n);
                    return type.equals("max_pool") ? new Layer.MaxPool(p[0], p[1], s[0], s[1], pad)
                            : new Layer.AveragePool(p[0], p[1], s[0], s[1], pad);
                }
                case "global_average_pool" -> {
                    onlyKeys(source, path, n, Set.of("type"));
                    return new Layer.GlobalAveragePool();
                }
                case "batch_norm" -> {
                    onlyKeys(source, path, n, Set.of("type", "momentum", "epsilon"));
                    return new Layer.BatchNorm(number(source, path, n, "momentum", Layer.BatchNorm.DEFAULT_MOMENTUM),
                            number(source, path, n, "epsilon", Layer.BatchNorm.DEFAULT_EPSILON));
                }
                case "concat" -> {
                    onlyKeys(source, path, n, Set.of("type", "branches"));
                    JsonNode b = n.get("branches");
                    if (b == null || !b.isArray()) {
                        throw new SmoothcalException(source + ": " + path + ".branches: expected an array of layer"
                                + " arrays, found " + b);
                    }
                    List<List<Layer>> branches = new ArrayList<>();
                    for (int i = 0; i < b.size(); i++) {
                        branches.add(layers(source, path + ".branches[" + i + "]", b.get(i)));
                    }
                    return new Layer.Concat(branches);
                }
                case "dense" -> {
                    onlyKeys(source, path, n, Set.of("type", "units"));
                    return new Layer.Dense(integer(source, path, n, "units"));
                }
                case "relu" -> {
                    onlyKeys(source, path, n, Set.of("type"));
                    return new Layer.Relu();
                }
                case "flatten" -> {
                    onlyKeys(source, path, n, Set.of("type"));
                    return new Layer.Flatten();
                }
                default -> {
                    onlyKeys(source, path, n, Set.of("type", "rate"));
                    return new Layer.Dropout(number(source, path, n, "rate", Double.NaN));
                }
            }
        } catch (SmoothcalException e) {
            if (e.getMessage().startsWith(source)) {
                throw e;
            }
            throw new SmoothcalException(source + ": " + path + " (" + type + "): " + e.getMessage(), e);
        }
    }

    private static void onlyKeys(String source, String path, JsonNode n, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new SmoothcalException(source + ": " + (path.isEmpty() ? "" : path + ": ") + "unknown key '"
                        + key + "', expected one of " + allowed.stream().sorted().toList());
            }
        }
    }

    private static int integer(String source, String path, JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new SmoothcalException(source + ": " + path + "." + key + ": expected an integer, found " + v);
        }
        return v.intValue();
    }

    private static double number(String source, String path, JsonNode n, String key, double fallback) {
        JsonNode v = n.get(key);
        if (v == null && !Double.isNaN(fallback)) {
            return fallback;
        }
        if (v == null || !v.isNumber()) {
            throw new SmoothcalException(source + ": " + path + "." + key + ": expected a number, found " + v);
        }
        return v.doubleValue();
    }

    private static int[] pair(String source, String path, JsonNode n, String key, int[] fallback) {
        JsonNode v = n.get(key);
        if (v == null && fallback != null) {
            return fallback;
        }
        if (v != null && v.isIntegralNumber() && v.canConvertToInt()) {
            return new int[] {v.intValue(), v.intValue()};
        }
        if (v == null || !v.isArray() || v.size() != 2 || !v.get(0).isIntegralNumber() || !v.get(1).isIntegralNumber()
                || !v.get(0).canConvertToInt() || !v.get(1).canConvertToInt()) {
            throw new SmoothcalException(source + ": " + path + "." + key
                    + ": expected [height, width] (two integers) or one integer, found " + v);
        }
        return new int[] {v.get(0).intValue(), v.get(1).intValue()};
    }

    private static Padding padding(String source, String path, JsonNode n) {
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
        throw new SmoothcalException(source + ": " + path + ".padding: expected \"same\" or \"valid\", found " + v);
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
            a.add(node(l));
        }
        return a;
    }

    private static ObjectNode node(Layer l) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        if (l instanceof Layer.Conv2D c) {
            n.put("type", "conv2d").put("filters", c.filters());
            n.putArray("kernel").add(c.kernelH()).add(c.kernelW());
            n.putArray("strides").add(c.strideH()).add(c.strideW());
            n.put("padding", c.padding().name().toLowerCase(Locale.ROOT)).put("use_bias", c.bias() == Bias.USE);
        } else if (l instanceof Layer.MaxPool m) {
            window(n.put("type", "max_pool"), m.poolH(), m.poolW(), m.strideH(), m.strideW(), m.padding());
        } else if (l instanceof Layer.AveragePool a) {
            window(n.put("type", "average_pool"), a.poolH(), a.poolW(), a.strideH(), a.strideW(), a.padding());
        } else if (l instanceof Layer.GlobalAveragePool) {
            n.put("type", "global_average_pool");
        } else if (l instanceof Layer.BatchNorm b) {
            n.put("type", "batch_norm").put("momentum", b.momentum()).put("epsilon", b.epsilon());
        } else if (l instanceof Layer.Concat c) {
            ArrayNode branches = n.put("type", "concat").putArray("branches");
            c.branches().forEach(b -> branches.add(array(b)));
        } else if (l instanceof Layer.Dense d) {
            n.put("type", "dense").put("units", d.units());
        } else if (l instanceof Layer.Relu) {
            n.put("type", "relu");
        } else if (l instanceof Layer.Flatten) {
            n.put("type", "flatten");
        } else if (l instanceof Layer.Dropout d) {
            n.put("type", "dropout").put("rate", d.rate());
        } else {
            throw new IllegalStateException("no JSON form for layer " + l);
        }
        return n;
    }

    private static void window(ObjectNode n, int ph, int pw, int sh, int sw, Padding padding) {
        n.putArray("pool").add(ph).add(pw);
        n.putArray("strides").add(sh).add(sw);
        n.put("padding", padding.name().toLowerCase(Locale.ROOT));
    }
}
