package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.inference.OutputKind;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.smoothcal.core.json.Json;
import dev.smoothcal.onnx.Attribute;
import dev.smoothcal.onnx.Dim;
import dev.smoothcal.onnx.ModelMetadata;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import dev.smoothcal.onnx.OnnxModels;
import dev.smoothcal.onnx.proto.OnnxProto.GraphProto;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.onnx.proto.OnnxProto.NodeProto;
import dev.smoothcal.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.smoothcal.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.smoothcal.onnx.proto.OnnxProto.TensorProto;
import dev.smoothcal.onnx.proto.OnnxProto.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Writes a copy of an ONNX classifier with a {@link Calibrator} in its graph, by a rewrite that keeps
 * every output name, so consumers of the original file need no change.
 *
 * <p>The node that produced the evaluated output {@code o} now produces {@code o_untempered}; the
 * calibration nodes read it and produce {@code o} again:
 * <ul>
 *   <li>the logits: {@code o_untempered} itself for a logits output, {@code ln(max(p, 1e-12))} for a
 *       probabilities output (as {@link TemperatureScaling#logits});</li>
 *   <li>the calibrator's own nodes ({@link Calibrator#writeOnnx}), built with {@link OnnxGraphBuilder} and
 *       spliced in under fresh names starting {@code smoothcal_<method>_};</li>
 *   <li>the output in the original kind: calibrated logits for a logits output ({@code ln(max(p, 1e-12))}
 *       of a calibrator that yields probabilities), {@code Softmax(axis 1)} of calibrated logits for a
 *       probabilities output.</li>
 * </ul>
 * Every other node that read {@code o} reads {@code o_untempered}, except a {@code Softmax} whose output
 * is a graph output (the usual {@code probabilities}): it is re-derived from the calibrated {@code o}.
 *
 * <p>Metadata: {@code metadata_props} are kept; {@value #CALIBRATOR_KEY} names the calibrator,
 * {@value #PARAMETERS_KEY} holds its parameters as JSON and, for a fitted one, {@value #FIT_KEY} the fit
 * ({@link CalibrationFit} and the split's name) as JSON. For temperature scaling
 * {@value #TEMPERATURE_KEY} holds the total temperature that divides the original model's logits (the
 * product with an earlier value, if the model was already temperature-scaled); any other calibrator
 * removes that key, since no single temperature then describes the model.
 *
 * <p>Opsets: temperature scaling needs opset 8 or later of the default domain (Div and Max with
 * broadcasting); the other calibrators need opset 13 or later (Unsqueeze and ReduceSum with axes as
 * inputs), and every operator they use means the same from opset 13 to 17.
 */
public final class CalibratedModel {
    /** Metadata key of the temperature. */
    public static final String TEMPERATURE_KEY = "smoothcal.temperature";
    /** Metadata key naming the calibrator ({@link CalibrationMethod#id()}). */
    public static final String CALIBRATOR_KEY = "smoothcal.calibrator";
    /** Metadata key of the calibrator's parameters, JSON. */
    public static final String PARAMETERS_KEY = "smoothcal.calibrator.parameters";
    /** Metadata key of the calibrator's fit, JSON. */
    public static final String FIT_KEY = "smoothcal.calibrator.fit";

    private static final long MIN_OPSET = 8;
    private static final long MIN_OPSET_OTHERS = 13;

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
     * Reads {@code source}, rewrites it with {@link #withCalibrator(ModelProto, String, OutputKind,
     * FittedCalibrator, String)}, and writes {@code target} atomically.
     *
     * Like {@link #export(Path, Path, String, OutputKind, double)}, external data inlined, so the file is
     * self-contained.
     *
     * @param source the model to calibrate
     * @param target the file to write
     * @param output the graph output the evaluation read
     * @param kind what that output holds
     * @param fitted the calibrator and its fit
     * @param fittedOn the name of the split it was fitted on
     * @throws SmoothcalException as {@link #withCalibrator(ModelProto, String, OutputKind, FittedCalibrator,
     *     String)}, or as {@link #export(Path, Path, String, OutputKind, double)} for external data
     */
    public static void export(Path source, Path target, String output, OutputKind kind, FittedCalibrator fitted,
            String fittedOn) {
        ModelProto model = inlineExternalData(OnnxModels.read(source), source);
        OnnxModels.write(withCalibrator(model, output, kind, fitted, fittedOn), target);
    }

    /**
     * The model rewritten with temperature scaling by T.
     *
     * @param model the model to rewrite; left unchanged
     * @param output the graph output the evaluation read
     * @param kind what that output holds
     * @param temperature T &gt; 0, finite
     * @return a new model whose {@code output} is temperature-scaled
     * @throws SmoothcalException if {@code output} is not a graph output produced by a node, T is not a
     *     positive finite number, or the opset is older than 8
     */
    public static ModelProto withTemperature(ModelProto model, String output, OutputKind kind, double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new SmoothcalException("temperature must be a finite number > 0, found " + temperature);
        }
        return rewrite(model, output, kind, CalibrationMethod.TEMPERATURE,
                (graph, logits, result) -> TemperatureCalibrator.writeDivision(graph, logits, result, temperature),
                metadata -> {
                    metadata.put(PARAMETERS_KEY, json(new TreeMap<>(Map.of("temperature", temperature))));
                    metadata.remove(FIT_KEY);
                    multiplyTemperature(metadata, temperature);
                });
    }

    /**
     * The model rewritten with {@code calibrator}, without fit metadata.
     *
     * @param model the original model
     * @param output the graph output the evaluation read
     * @param kind what that output holds
     * @param calibrator the calibrator to append
     * @return the rewritten model
     * @throws SmoothcalException if {@code output} is not a graph output produced by a node, or the opset
     *     is too old
     */
    public static ModelProto withCalibrator(ModelProto model, String output, OutputKind kind, Calibrator calibrator) {
        return withCalibrator(model, output, kind, calibrator, metadata -> metadata.remove(FIT_KEY));
    }

    /**
     * The model rewritten with a fitted calibrator; the metadata records the fit.
     *
     * @param model the original model
     * @param output the graph output the evaluation read
     * @param kind what that output holds
     * @param fitted the calibrator and its fit
     * @param fittedOn the name of the split it was fitted on
     * @return the rewritten model
     * @throws SmoothcalException if {@code output} is not a graph output produced by a node, or the opset
     *     is too old
     */
    public static ModelProto withCalibrator(ModelProto model, String output, OutputKind kind, FittedCalibrator fitted,
            String fittedOn) {
        Map<String, Object> fit = new TreeMap<>();
        fit.put("fitted_on", fittedOn);
        fit.put("fit", fitted.fit());
        return withCalibrator(model, output, kind, fitted.calibrator(), metadata -> metadata.put(FIT_KEY, json(fit)));
    }

    private static ModelProto withCalibrator(ModelProto model, String output, OutputKind kind, Calibrator calibrator,
            Consumer<SortedMap<String, String>> more) {
        return rewrite(model, output, kind, calibrator.method(), calibrator::writeOnnx, metadata -> {
            metadata.put(PARAMETERS_KEY, json(calibrator.parameters()));
            more.accept(metadata);
            if (calibrator.method() == CalibrationMethod.TEMPERATURE) {
                multiplyTemperature(metadata, ((Number) calibrator.parameters().get("temperature")).doubleValue());
            } else {
                metadata.remove(TEMPERATURE_KEY);
            }
        });
    }

    /** What a calibrator writes: nodes from {@code logits} to {@code result}, and the kind of the result. */
    private interface Head {
        OutputKind write(OnnxGraphBuilder graph, String logits, String result);
    }

    private static ModelProto rewrite(ModelProto model, String output, OutputKind kind, CalibrationMethod method,
            Head head, Consumer<SortedMap<String, String>> updateMetadata) {
        long opset = model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(OperatorSetIdProto::getVersion).max().orElse(0);
        long needed = method == CalibrationMethod.TEMPERATURE ? MIN_OPSET : MIN_OPSET_OTHERS;
        if (opset < needed) {
            throw new SmoothcalException("calibrated export with " + method.id() + " needs opset " + needed
                    + " or later of the default domain, found " + opset);
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
        GraphProto spliced = head(kind, head).getGraph();

        GraphProto.Builder g = graph.toBuilder().clearNode();
        Map<String, String> rename = new HashMap<>();
        rename.put(HEAD_INPUT, untempered);
        rename.put(spliced.getOutput(0).getName(), output);
        String prefix = "smoothcal_" + method.id() + "_";
        for (TensorProto t : spliced.getInitializerList()) {
            g.addInitializer(t.toBuilder().setName(renamed(t.getName(), prefix, rename, taken)));
        }
        List<NodeProto> added = new ArrayList<>();
        for (NodeProto n : spliced.getNodeList()) {
            NodeProto.Builder b = n.toBuilder().setName(fresh(prefix + n.getName(), taken));
            for (int j = 0; j < b.getInputCount(); j++) {
                b.setInput(j, renamed(b.getInput(j), prefix, rename, taken));
            }
            for (int j = 0; j < b.getOutputCount(); j++) {
                b.setOutput(j, renamed(b.getOutput(j), prefix, rename, taken));
            }
            added.add(b.build());
        }
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
        metadata.put(CALIBRATOR_KEY, method.id());
        updateMetadata.accept(metadata);
        ModelProto.Builder m = model.toBuilder().setGraph(g).clearMetadataProps();
        metadata.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    private static final String HEAD_INPUT = "uncalibrated";

    /** The calibration nodes as a graph of their own: input {@value #HEAD_INPUT}, one output. */
    private static ModelProto head(OutputKind kind, Head head) {
        OnnxGraphBuilder b = new OnnxGraphBuilder("calibration").input(HEAD_INPUT, Dim.BATCH, Dim.CLASSES);
        String logits = HEAD_INPUT;
        if (kind == OutputKind.PROBABILITIES) {
            b.initializer("probability_floor", new float[] {(float) TemperatureScaling.PROBABILITY_FLOOR});
            b.node("Max", List.of(HEAD_INPUT, "probability_floor"), "floored");
            b.node("Log", List.of("floored"), "logits");
            logits = "logits";
        }
        String result = "calibrated";
        OutputKind produced = head.write(b, logits, result);
        if (kind == OutputKind.PROBABILITIES && produced == OutputKind.LOGITS) {
            b.node("Softmax", List.of(result), "calibrated_probabilities", Attribute.ofInt("axis", 1));
            result = "calibrated_probabilities";
        } else if (kind == OutputKind.LOGITS && produced == OutputKind.PROBABILITIES) {
            b.initializer("calibrated_floor", new float[] {(float) TemperatureScaling.PROBABILITY_FLOOR});
            b.node("Max", List.of(result, "calibrated_floor"), "calibrated_floored");
            b.node("Log", List.of("calibrated_floored"), "calibrated_logits");
            result = "calibrated_logits";
        }
        return b.output(result, Dim.BATCH, Dim.CLASSES).build(ModelMetadata.NONE);
    }

    private static String renamed(String name, String prefix, Map<String, String> rename, Set<String> taken) {
        if (name.isEmpty()) {
            return name;
        }
        return rename.computeIfAbsent(name, n -> fresh(prefix + n, taken));
    }

    private static void multiplyTemperature(SortedMap<String, String> metadata, double temperature) {
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
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw SmoothcalException.defect("calibrator metadata does not serialise to JSON", e);
        }
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
