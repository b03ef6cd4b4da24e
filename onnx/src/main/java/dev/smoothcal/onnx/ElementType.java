package dev.smoothcal.onnx;

import dev.smoothcal.onnx.proto.OnnxProto.TensorProto.DataType;

/** Element types smoothcal declares for graph inputs and outputs, with their ONNX data type. */
public enum ElementType {
    /** 32-bit IEEE float, the type of images, logits and probabilities. */
    FLOAT(DataType.FLOAT),
    /** Unsigned byte, for raw 8-bit pixels. */
    UINT8(DataType.UINT8),
    /** 32-bit signed integer. */
    INT32(DataType.INT32),
    /** 64-bit signed integer, the type of ONNX shapes, axes and indices. */
    INT64(DataType.INT64),
    /** 64-bit IEEE float. */
    DOUBLE(DataType.DOUBLE);

    private final DataType dataType;

    ElementType(DataType dataType) {
        this.dataType = dataType;
    }

    /**
     * The {@code TensorProto.DataType} this type is written as.
     *
     * @return the protobuf enum value
     */
    public DataType dataType() {
        return dataType;
    }
}
