package dev.smoothcal.onnx;

import com.google.protobuf.ByteString;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.onnx.proto.OnnxProto.AttributeProto;
import dev.smoothcal.onnx.proto.OnnxProto.AttributeProto.AttributeType;
import java.nio.charset.StandardCharsets;

/**
 * A typed operator attribute, such as {@code axis=1} for Softmax or {@code transB=1} for Gemm.
 * The factory names say the ONNX attribute type, so an int cannot silently become a float.
 */
public final class Attribute {
    private final AttributeProto proto;

    private Attribute(AttributeProto proto) {
        this.proto = proto;
    }

    /**
     * An {@code INT} attribute (ONNX ints are 64-bit).
     *
     * @param name the attribute name, non-blank
     * @param value the value
     * @return the attribute
     */
    public static Attribute ofInt(String name, long value) {
        return new Attribute(start(name, AttributeType.INT).setI(value).build());
    }

    /**
     * A {@code FLOAT} attribute.
     *
     * @param name the attribute name, non-blank
     * @param value the value
     * @return the attribute
     */
    public static Attribute ofFloat(String name, float value) {
        return new Attribute(start(name, AttributeType.FLOAT).setF(value).build());
    }

    /**
     * A {@code STRING} attribute, stored as UTF-8.
     *
     * @param name the attribute name, non-blank
     * @param value the text, not null
     * @return the attribute
     */
    public static Attribute ofString(String name, String value) {
        if (value == null) {
            throw new SmoothcalException("attribute " + name + ": expected a string value, found none");
        }
        return new Attribute(start(name, AttributeType.STRING)
                .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8)).build());
    }

    /**
     * An {@code INTS} attribute, such as {@code perm} for Transpose.
     *
     * @param name the attribute name, non-blank
     * @param values the values, in order
     * @return the attribute
     */
    public static Attribute ofInts(String name, long... values) {
        AttributeProto.Builder b = start(name, AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return new Attribute(b.build());
    }

    /**
     * A {@code FLOATS} attribute.
     *
     * @param name the attribute name, non-blank
     * @param values the values, in order
     * @return the attribute
     */
    public static Attribute ofFloats(String name, float... values) {
        AttributeProto.Builder b = start(name, AttributeType.FLOATS);
        for (float v : values) {
            b.addFloats(v);
        }
        return new Attribute(b.build());
    }

    /**
     * The attribute name.
     *
     * @return the name the node reads it by
     */
    public String name() {
        return proto.getName();
    }

    AttributeProto toProto() {
        return proto;
    }

    private static AttributeProto.Builder start(String name, AttributeType type) {
        if (name == null || name.isBlank()) {
            throw new SmoothcalException("attribute name must be non-blank, found "
                    + (name == null ? "none" : "'" + name + "'"));
        }
        return AttributeProto.newBuilder().setName(name).setType(type);
    }

    @Override
    public String toString() {
        return proto.getName() + ":" + proto.getType();
    }
}
