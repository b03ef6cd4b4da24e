package dev.smoothcal.onnx;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.Version;
import dev.smoothcal.onnx.proto.OnnxProto.GraphProto;
import dev.smoothcal.onnx.proto.OnnxProto.ModelProto;
import dev.smoothcal.onnx.proto.OnnxProto.NodeProto;
import dev.smoothcal.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.smoothcal.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.smoothcal.onnx.proto.OnnxProto.TensorProto;
import dev.smoothcal.onnx.proto.OnnxProto.TensorShapeProto;
import dev.smoothcal.onnx.proto.OnnxProto.TypeProto;
import dev.smoothcal.onnx.proto.OnnxProto.ValueInfoProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Builds one ONNX graph and wraps it in a model targeting IR {@value #IR_VERSION}, default-domain
 * opset {@value #OPSET_VERSION}.
 *
 * <p>Values are named once (SSA): every graph input, initializer and node output defines a name that
 * no other may reuse, and a node may only read names defined before it, so the nodes are in
 * topological order by construction. Violations throw {@link SmoothcalException} at the call that
 * causes them; graph outputs are checked by {@link #build}. Nodes are named
 * {@code <opType>_<n>}, counting per operator type from 0.
 *
 * <p>The same calls in the same order give a byte-identical model: nothing depends on time, hash
 * order or randomness.
 *
 * <pre>{@code
 * ModelProto model = new OnnxGraphBuilder("classifier")
 *         .input("images", Dim.BATCH, Dim.of(4))
 *         .initializer("weights", w, 4, 3)
 *         .initializer("bias", b, 3)
 *         .node("Gemm", List.of("images", "weights", "bias"), "logits")
 *         .node("Softmax", List.of("logits"), "probabilities", Attribute.ofInt("axis", -1))
 *         .output("logits", Dim.BATCH, Dim.of(3))
 *         .output("probabilities", Dim.BATCH, Dim.of(3))
 *         .build(ModelMetadata.NONE);
 * }</pre>
 */
public final class OnnxGraphBuilder {

    /** ONNX IR version written into every model. */
    public static final long IR_VERSION = 8;

    /** Version of the default ("" = ai.onnx) operator set imported by every model. */
    public static final long OPSET_VERSION = 17;

    /** {@code ModelProto.producer_name}; the producer version is the smoothcal version. */
    public static final String PRODUCER_NAME = "smoothcal";

    private static final int NAMES_SHOWN_IN_ERRORS = 20;

    private final String graphName;
    private final List<ValueInfoProto> graphInputs = new ArrayList<>();
    private final List<ValueInfoProto> graphOutputs = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final List<NodeProto> nodes = new ArrayList<>();
    /** Every defined value name, in definition order, to what defines it (for error messages). */
    private final Map<String, String> definedValues = new LinkedHashMap<>();
    private final Map<String, Integer> nodesPerOpType = new HashMap<>();

    /**
     * Starts an empty graph called {@code graphName}.
     *
     * @param graphName the name written into {@code GraphProto.name}, non-blank
     */
    public OnnxGraphBuilder(String graphName) {
        this.graphName = requireName("graph name", graphName);
    }

    /**
     * Declares a float32 graph input; no dimensions makes a scalar (shape {@code []}).
     *
     * @param name the input name, new in this graph
     * @param dims its dimensions, outermost first
     * @return this builder
     */
    public OnnxGraphBuilder input(String name, Dim... dims) {
        return input(name, ElementType.FLOAT, dims);
    }

    /**
     * Declares a graph input of the given element type; no dimensions makes a scalar.
     *
     * @param name the input name, new in this graph
     * @param type the element type
     * @param dims its dimensions, outermost first
     * @return this builder
     */
    public OnnxGraphBuilder input(String name, ElementType type, Dim... dims) {
        define(requireName("input name", name), "graph input");
        graphInputs.add(valueInfo(name, type, dims));
        return this;
    }

    /**
     * Declares a float32 graph output. The name must be defined (by an input, initializer or node)
     * by the time {@link #build} runs; outputs keep their declaration order.
     *
     * @param name the output name, declared once
     * @param dims its dimensions, outermost first
     * @return this builder
     */
    public OnnxGraphBuilder output(String name, Dim... dims) {
        return output(name, ElementType.FLOAT, dims);
    }

    /**
     * Declares a graph output of the given element type.
     *
     * @param name the output name, declared once
     * @param type the element type
     * @param dims its dimensions, outermost first
     * @return this builder
     */
    public OnnxGraphBuilder output(String name, ElementType type, Dim... dims) {
        requireName("output name", name);
        if (graphOutputs.stream().anyMatch(o -> o.getName().equals(name))) {
            throw new SmoothcalException("graph output '" + name + "' is declared twice: expected each output once");
        }
        graphOutputs.add(valueInfo(name, type, dims));
        return this;
    }

    /**
     * A float32 constant tensor, row-major. No shape makes a scalar.
     *
     * @param name the tensor name, new in this graph
     * @param values the elements, row-major
     * @param shape the dimensions, outermost first
     * @return this builder
     * @throws SmoothcalException if the shape's element count (product of dims) differs from
     *     {@code values.length}, or a dim is negative
     */
    public OnnxGraphBuilder initializer(String name, float[] values, long... shape) {
        TensorProto.Builder t = startTensor(name, TensorProto.DataType.FLOAT, values.length, shape);
        for (float v : values) {
            t.addFloatData(v);
        }
        initializers.add(t.build());
        return this;
    }

    /**
     * An int64 constant tensor (axes, shapes, indices), row-major. No shape makes a scalar.
     *
     * @param name the tensor name, new in this graph
     * @param values the elements, row-major
     * @param shape the dimensions, outermost first
     * @return this builder
     */
    public OnnxGraphBuilder initializer(String name, long[] values, long... shape) {
        TensorProto.Builder t = startTensor(name, TensorProto.DataType.INT64, values.length, shape);
        for (long v : values) {
            t.addInt64Data(v);
        }
        initializers.add(t.build());
        return this;
    }

    /**
     * A node of the default ONNX domain with one output; see {@link #node(String, List, List, Attribute...)}.
     *
     * @param opType the ONNX operator, e.g. {@code MatMul}
     * @param inputs the value names it reads, in operator order
     * @param output the name of the value it defines
     * @param attributes the operator attributes
     * @return this builder
     */
    public OnnxGraphBuilder node(String opType, List<String> inputs, String output, Attribute... attributes) {
        return node(opType, inputs, Collections.singletonList(output), attributes);
    }

    /**
     * A node of the default ONNX domain. An empty input name marks an omitted optional input, as
     * ONNX allows; every other input must name a value defined earlier. Outputs must be new names.
     *
     * @param opType the ONNX operator, e.g. {@code MatMul}
     * @param inputs the value names it reads, in operator order
     * @param outputs the names of the values it defines
     * @param attributes the operator attributes
     * @return this builder
     */
    public OnnxGraphBuilder node(String opType, List<String> inputs, List<String> outputs, Attribute... attributes) {
        requireName("node op type", opType);
        int index = nodesPerOpType.getOrDefault(opType, 0);
        String nodeName = opType + "_" + index;
        for (String input : inputs) {
            if (input == null) {
                throw new SmoothcalException("node " + nodeName + ": expected input names (empty for an omitted"
                        + " optional input), found none");
            }
            if (!input.isEmpty() && !definedValues.containsKey(input)) {
                throw new SmoothcalException("node " + nodeName + " reads unknown value '" + input
                        + "': expected one of " + knownNames());
            }
        }
        if (outputs.isEmpty()) {
            throw new SmoothcalException("node " + nodeName + ": expected at least one output, found none");
        }
        Map<String, Attribute> byName = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            if (byName.put(a.name(), a) != null) {
                throw new SmoothcalException("node " + nodeName + ": attribute '" + a.name()
                        + "' is given twice, expected each attribute once");
            }
        }
        Set<String> newNames = new HashSet<>();
        for (String output : outputs) {
            requireName("node " + nodeName + " output name", output);
            if (!newNames.add(output)) {
                throw new SmoothcalException("node " + nodeName + " lists output '" + output
                        + "' twice: expected distinct output names");
            }
            requireNew(output, "output of node " + nodeName);
        }
        outputs.forEach(output -> definedValues.put(output, "output of node " + nodeName));
        NodeProto.Builder node = NodeProto.newBuilder()
                .setName(nodeName)
                .setOpType(opType)
                .addAllInput(inputs)
                .addAllOutput(outputs);
        byName.values().forEach(a -> node.addAttribute(a.toProto()));
        nodes.add(node.build());
        nodesPerOpType.put(opType, index + 1);
        return this;
    }

    /**
     * The model: this graph, IR {@value #IR_VERSION}, opset {@value #OPSET_VERSION}, producer
     * {@value #PRODUCER_NAME} with the smoothcal version, and {@code metadata}'s properties in key order.
     *
     * @param metadata the description and {@code metadata_props} to write
     * @return the model proto
     * @throws SmoothcalException if there is no output, or an output names an undefined value
     */
    public ModelProto build(ModelMetadata metadata) {
        if (graphOutputs.isEmpty()) {
            throw new SmoothcalException("graph " + graphName + ": expected at least one output, found none");
        }
        for (ValueInfoProto output : graphOutputs) {
            if (!definedValues.containsKey(output.getName())) {
                throw new SmoothcalException("graph output '" + output.getName()
                        + "' is not produced by any input, initializer or node: expected one of " + knownNames());
            }
        }
        GraphProto graph = GraphProto.newBuilder()
                .setName(graphName)
                .addAllInput(graphInputs)
                .addAllInitializer(initializers)
                .addAllNode(nodes)
                .addAllOutput(graphOutputs)
                .build();
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET_VERSION))
                .setProducerName(PRODUCER_NAME)
                .setProducerVersion(Version.get())
                .setGraph(graph);
        if (!metadata.docString().isEmpty()) {
            model.setDocString(metadata.docString());
        }
        metadata.properties().forEach((key, value) ->
                model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
        return model.build();
    }

    private TensorProto.Builder startTensor(String name, TensorProto.DataType type, int valueCount, long[] shape) {
        requireName("initializer name", name);
        long expected = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new SmoothcalException("initializer '" + name + "': dims must be >= 0, found shape "
                        + Arrays.toString(shape));
            }
            expected = Math.multiplyExact(expected, d);
        }
        if (expected != valueCount) {
            throw new SmoothcalException("initializer '" + name + "': shape " + Arrays.toString(shape) + " holds "
                    + expected + " values, found " + valueCount);
        }
        define(name, "initializer");
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : shape) {
            t.addDims(d);
        }
        return t;
    }

    private static ValueInfoProto valueInfo(String name, ElementType type, Dim[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Dim dim : dims) {
            if (dim == null) {
                throw new SmoothcalException("value '" + name + "': expected dimensions, found a null one in "
                        + Arrays.toString(dims));
            }
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (dim instanceof Dim.Fixed fixed) {
                d.setDimValue(fixed.size());
            } else if (dim instanceof Dim.Symbolic symbolic) {
                d.setDimParam(symbolic.name());
            }
            shape.addDim(d);
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(type.dataType().getNumber())
                        .setShape(shape)))
                .build();
    }

    private void define(String name, String origin) {
        requireNew(name, origin);
        definedValues.put(name, origin);
    }

    private void requireNew(String name, String origin) {
        String previous = definedValues.get(name);
        if (previous != null) {
            throw new SmoothcalException("value name '" + name + "' for " + origin
                    + " is already defined (" + previous + "): expected a new name");
        }
    }

    private String knownNames() {
        if (definedValues.isEmpty()) {
            return "[] (nothing defined yet)";
        }
        TreeSet<String> sorted = new TreeSet<>(definedValues.keySet());
        String shown = sorted.stream().limit(NAMES_SHOWN_IN_ERRORS).collect(Collectors.joining(", ", "[", ""));
        return sorted.size() > NAMES_SHOWN_IN_ERRORS
                ? shown + ", ... " + (sorted.size() - NAMES_SHOWN_IN_ERRORS) + " more]"
                : shown + "]";
    }

    private static String requireName(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new SmoothcalException(what + " must be non-blank, found "
                    + (name == null ? "none" : "'" + name + "'"));
        }
        return name;
    }
}
