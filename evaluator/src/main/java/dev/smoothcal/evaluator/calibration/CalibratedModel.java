package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.inference.OutputKind;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.onnx.proto.OnnxProto.AttributeProto;
import dev.smoothcal.onnx.proto.OnnxProto.GraphProto;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.onnx.proto.OnnxProto.NodeProto;
import dev.smoothcal.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.smoothcal.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.smoothcal.onnx.proto.OnnxProto.TensorProto;
import dev.smoothcal.onnx.proto.OnnxProto.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Writes a copy of an ONNX classifier whose output is temperature-scaled, by a graph rewrite that keeps
 * every output name, so consumers of the original file need no change.
 *
 * <ul>
 *   <li>Logits output {@code z}: the node that produced {@code z} now produces {@code z_untempered}, and a
 *       {@code Div(z_untempered, T)} with a scalar float initialiser T produces {@code z}. Every other node
 *       that read {@code z} reads {@code z_untempered}, except a {@code Softmax} whose output is a graph
 *       output (the usual {@code probabilities}): it is re-derived from the tempered {@code z}.</li>
 *   <li>Probabilities output {@code p}: {@code p = Softmax(Div(Log(Max(p_untempered, 1e-12)), T), axis 1)},
 *       the same tempered distribution {@link TemperatureScaling} fitted.</li>
 * </ul>
 * {@code metadata_props} are kept; {@code smoothcal.temperature} holds the total temperature that divides
 * the original model's logits (the product with an earlier value, if the model was already calibrated).
 * Needs opset 8 or later of the default domain (Div and Max with broadcasting).
 */
public final class CalibratedModel {
    /** Metadata key of the temperature. */
    public static final String TEMPERATURE_KEY = "smoothcal.temperature";

    private static final long MIN_OPSET = 8;

    private CalibratedModel() {
    }

    /**
     * Reads {@code source}, rewrites it with {@link #withTemperature}, and writes {@code target} atomically.
     * The written file is self-contained: initialisers that {@code source} keeps in external data files are
     * read from beside it and inlined, so {@code target} loads wherever it is copied.
     *
     * @param source the model to calibrate
     * @param target the file to write
     * @param output the graph output the evaluation read
     * @param kind what that output holds
     * @param temperature T &gt; 0, finite
     * @throws SmoothcalException as {@link #withTemperature}, or when external data is missing, lies outside
     *     the model's folder, or is too large to inline (2 GiB, protobuf's limit)
     */
    public static void export(Path source, Path target, String output, OutputKind kind, double temperature) {
        ModelProto model = inlineExternalData(OnnxModels.read(source), source);
        OnnxModels.write(withTemperature(model, output, kind, temperature), target);
    }

    /** The largest model, in bytes of inlined data, that one protobuf message can hold. */
    private static final long MAX_INLINE_BYTES = Integer.MAX_VALUE - (64L << 20);

    /**
     * {@code model} with every initialiser whose values live in an external file (ONNX's
     * {@code data_location = EXTERNAL}) holding them inline as {@code raw_data}.
     *
     * @param model the model as read
     * @param file where it was read from: external locations are relative to its folder
     * @return the self-contained model ({@code model} itself when it has no external data)
     */
    static ModelProto inlineExternalData(ModelProto model, Path file) {
        GraphProto graph = model.getGraph();
        if (graph.getInitializerList().stream().noneMatch(CalibratedModel::isExternal)) {
            return model;
        }
        Path folder = file.toAbsolutePath().normalize().getParent();
        GraphProto.Builder g = graph.toBuilder();
        long total = model.getSerializedSize();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (!isExternal(t)) {
                continue;
            }
            String location = null;
            long offset = 0;
            long length = -1;
            for (StringStringEntryProto e : t.getExternalDataList()) {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = number(t, e);
                    case "length" -> length = number(t, e);
                    default -> { }
                }
            }
            if (location == null || location.isEmpty()) {
                throw new SmoothcalException("initialiser '" + t.getName() + "' of " + file + " is stored externally "
                        + "but names no location");
            }
            Path data = folder.resolve(location).normalize();
            if (!data.startsWith(folder) || java.nio.file.Path.of(location).isAbsolute()) {
                throw new SmoothcalException("initialiser '" + t.getName() + "' of " + file + ": external data "
                        + "location '" + location + "' lies outside the model's folder; expected a relative path "
                        + "inside " + folder);
            }
            byte[] bytes;
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(data)) {
                long size = ch.size();
                long n = length < 0 ? size - offset : length;
                if (offset < 0 || n < 0 || offset + n > size) {
                    throw new SmoothcalException("initialiser '" + t.getName() + "' of " + file + ": expected "
                            + n + " bytes at offset " + offset + " of " + data + ", found a file of " + size + " bytes");
                }
                total += n;
                if (total > MAX_INLINE_BYTES) {
                    throw new SmoothcalException("the external data of " + file + " is too large to inline into one "
                            + "ONNX file (more than " + MAX_INLINE_BYTES + " bytes)");
                }
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) n);
                while (buffer.hasRemaining() && ch.read(buffer, offset + buffer.position()) >= 0) {
                    // read on
                }
                bytes = buffer.array();
            } catch (java.io.IOException e) {
                throw new SmoothcalException("initialiser '" + t.getName() + "' of " + file + ": cannot read its "
                        + "external data " + data + ": " + dev.smoothcal.core.io.AtomicFiles.describe(e), e);
            }
            g.setInitializer(i, t.toBuilder().clearExternalData().clearDataLocation()
                    .setRawData(com.google.protobuf.ByteString.copyFrom(bytes)));
        }
        return model.toBuilder().setGraph(g).build();
    }

    private static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    private static long number(TensorProto t, StringStringEntryProto e) {
        try {
            return Long.parseLong(e.getValue());
        } catch (NumberFormatException x) {
            throw new SmoothcalException("initialiser '" + t.getName() + "': external data " + e.getKey()
                    + " must be a number, found '" + e.getValue() + "'");
        }
    }

    /**
     * The rewritten model.
     *
     * @param model the model to rewrite; left unchanged
     * @param output the graph output the evaluation read
     * @param kind what that output holds
     * @param temperature T > 0, finite
     * @return a new model whose {@code output} is temperature-scaled
     * @throws SmoothcalException if {@code output} is not a graph output produced by a node, T is not a
     *     positive finite number, or the opset is older than 8
     */
    public static ModelProto withTemperature(ModelProto model, String output, OutputKind kind, double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new SmoothcalException("temperature must be a finite number > 0, found " + temperature);
        }
        long opset = model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(OperatorSetIdProto::getVersion).max().orElse(0);
        if (opset < MIN_OPSET) {
            throw new SmoothcalException("calibrated export needs opset " + MIN_OPSET + " or later of the default domain, "
                    + "found " + opset);
        }
        GraphProto graph = model.getGraph();
        List<String> outputs = graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
        if (!outputs.contains(output)) {
            throw new SmoothcalException("calibrated export: expected output '" + output + "' to be one of " + outputs);
        }
        int producer = -1;
        for (int i = 0; i < graph.getNodeCount() && producer < 0; i++) {
            if (graph.getNode(i).getOutputList().contains(output)) {
                producer = i;
            }
        }
        if (producer < 0) {
            throw new SmoothcalException("calibrated export: expected output '" + output
                    + "' to be produced by a node, found it is a graph input or initialiser");
        }
        Set<String> taken = names(graph);
        String untempered = fresh(output + "_untempered", taken);
        String temperatureName = fresh("smoothcal_temperature", taken);

        GraphProto.Builder g = graph.toBuilder().clearNode();
        List<NodeProto> added = new ArrayList<>();
        if (kind == OutputKind.LOGITS) {
            added.add(node("Div", List.of(untempered, temperatureName), output, null, taken));
        } else {
            String floorName = fresh("smoothcal_probability_floor", taken);
            String floored = fresh(output + "_floored", taken);
            String logs = fresh(output + "_log", taken);
            String tempered = fresh(output + "_tempered_logits", taken);
            g.addInitializer(scalar(floorName, (float) TemperatureScaling.PROBABILITY_FLOOR));
            added.add(node("Max", List.of(untempered, floorName), floored, null, taken));
            added.add(node("Log", List.of(floored), logs, null, taken));
            added.add(node("Div", List.of(logs, temperatureName), tempered, null, taken));
            added.add(node("Softmax", List.of(tempered), output, 1L, taken));
        }
        g.addInitializer(scalar(temperatureName, (float) temperature));
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto original = graph.getNode(i);
            NodeProto.Builder n = original.toBuilder();
            boolean rederive = kind == OutputKind.LOGITS && original.getOpType().equals("Softmax")
                    && original.getInputCount() == 1 && original.getInput(0).equals(output)
                    && original.getOutputList().stream().anyMatch(outputs::contains);
            for (int j = 0; j < n.getInputCount(); j++) {
                if (n.getInput(j).equals(output) && !rederive) {
                    n.setInput(j, untempered);
                }
            }
            for (int j = 0; j < n.getOutputCount(); j++) {
                if (n.getOutput(j).equals(output)) {
                    n.setOutput(j, untempered);
                }
            }
            g.addNode(n);
            if (i == producer) {
                added.forEach(g::addNode);
            }
        }
        SortedMap<String, String> metadata = new TreeMap<>(OnnxModels.metadata(model));
        double total = temperature;
        String earlier = metadata.get(TEMPERATURE_KEY);
        if (earlier != null) {
            try {
                total *= Double.parseDouble(earlier);
            } catch (NumberFormatException e) {
                throw new SmoothcalException("model metadata " + TEMPERATURE_KEY + ": expected a number, found '"
                        + earlier + "'", e);
            }
        }
        metadata.put(TEMPERATURE_KEY, String.format(Locale.ROOT, "%.9g", total));
        ModelProto.Builder m = model.toBuilder().setGraph(g).clearMetadataProps();
        metadata.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    private static NodeProto node(String op, List<String> inputs, String output, Long axis, Set<String> taken) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(fresh("smoothcal_temperature_" + op, taken))
                .addAllInput(inputs).addOutput(output);
        if (axis != null) {
            n.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                    .setI(axis));
        }
        return n.build();
    }

    private static TensorProto scalar(String name, float value) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addFloatData(value).build();
    }

    private static Set<String> names(GraphProto graph) {
        Set<String> taken = new HashSet<>();
        graph.getInputList().forEach(v -> taken.add(v.getName()));
        graph.getOutputList().forEach(v -> taken.add(v.getName()));
        graph.getValueInfoList().forEach(v -> taken.add(v.getName()));
        graph.getInitializerList().forEach(t -> taken.add(t.getName()));
        for (NodeProto n : graph.getNodeList()) {
            taken.addAll(n.getInputList());
            taken.addAll(n.getOutputList());
            taken.add(n.getName());
        }
        return taken;
    }

    private static String fresh(String base, Set<String> taken) {
        String name = base;
        for (int i = 1; taken.contains(name); i++) {
            name = base + "_" + i;
        }
        taken.add(name);
        return name;
    }
}
