package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The NumPy element types the loaders read, by their type code in an {@code .npy} {@code descr}
 * string ({@code u1}, {@code f4}, ...). Bool, float16, complex, string and object arrays are not read.
 */
enum NpyDtype {
    UINT8("u1", 1, true), INT8("i1", 1, true),
    UINT16("u2", 2, true), INT16("i2", 2, true),
    UINT32("u4", 4, true), INT32("i4", 4, true),
    UINT64("u8", 8, true), INT64("i8", 8, true),
    FLOAT32("f4", 4, false), FLOAT64("f8", 8, false);

    private final String code;
    private final int size;
    private final boolean integral;

    NpyDtype(String code, int size, boolean integral) {
        this.code = code;
        this.size = size;
        this.integral = integral;
    }

    int size() {
        return size;
    }

    boolean integral() {
        return integral;
    }

    /** Reads element {@code i} of {@code data} as a double (64-bit integers beyond 2^53 round). */
    double get(ByteBuffer data, int i) {
        int at = i * size;
        return switch (this) {
            case UINT8 -> data.get(at) & 0xff;
            case INT8 -> data.get(at);
            case UINT16 -> data.getShort(at) & 0xffff;
            case INT16 -> data.getShort(at);
            case UINT32 -> data.getInt(at) & 0xffffffffL;
            case INT32 -> data.getInt(at);
            case UINT64 -> {
                long v = data.getLong(at);
                yield v >= 0 ? v : (v >>> 1) * 2.0 + (v & 1);
            }
            case INT64 -> data.getLong(at);
            case FLOAT32 -> data.getFloat(at);
            case FLOAT64 -> data.getDouble(at);
        };
    }

    /**
     * The element type and byte order of a {@code descr} string: a byte-order character ({@code <}
     * little-endian, {@code >} big-endian, {@code |} not applicable, only for one-byte types) then a type code.
     */
    static Parsed parse(String descr, Object source) {
        if (descr.length() == 3) {
            char order = descr.charAt(0);
            String code = descr.substring(1);
            for (NpyDtype t : values()) {
                if (t.code.equals(code)) {
                    if (order == '<') {
                        return new Parsed(t, ByteOrder.LITTLE_ENDIAN);
                    }
                    if (order == '>') {
                        return new Parsed(t, ByteOrder.BIG_ENDIAN);
                    }
                    if (order == '|' && t.size == 1) {
                        return new Parsed(t, ByteOrder.LITTLE_ENDIAN);
                    }
                }
            }
        }
        throw new SmoothcalException(source + ": expected a numeric dtype such as '|u1', '|i1', '<u2', '<i2', '<u4', "
                + "'<i4', '<u8', '<i8', '<f4' or '<f8' ('>' for big-endian), found descr '" + descr + "'");
    }

    /** An element type with the byte order of its file. */
    record Parsed(NpyDtype type, ByteOrder order) {
    }
}
