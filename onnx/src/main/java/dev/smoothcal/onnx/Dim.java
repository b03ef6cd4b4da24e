package dev.smoothcal.onnx;

import dev.smoothcal.core.SmoothcalException;

/**
 * One dimension of a graph input or output: a fixed size, or a symbolic name that ONNX Runtime binds
 * at run time. Dimensions that share a name must have equal sizes in one run, so give the batch and
 * the class dimension different names ({@link #BATCH}, {@link #CLASSES}).
 */
public sealed interface Dim permits Dim.Fixed, Dim.Symbolic {

    /** The usual symbolic batch dimension. */
    Dim BATCH = named("batch");

    /** The usual symbolic class dimension. */
    Dim CLASSES = named("classes");

    /**
     * A fixed size, at least 1.
     *
     * @param size the size, at least 1
     * @return the fixed dimension
     */
    static Dim of(long size) {
        return new Fixed(size);
    }

    /**
     * A symbolic dimension, such as {@code "batch"}.
     *
     * @param name the name, non-blank
     * @return the symbolic dimension
     */
    static Dim named(String name) {
        return new Symbolic(name);
    }

    /** A dimension of known size. */
    record Fixed(long size) implements Dim {
        /**
         * Checks the size.
         *
         * @param size the size, at least 1
         * @throws SmoothcalException if {@code size} is below 1
         */
        public Fixed {
            if (size < 1) {
                throw new SmoothcalException("fixed dimension size must be at least 1, found " + size);
            }
        }

        @Override
        public String toString() {
            return Long.toString(size);
        }
    }

    /** A dimension bound at run time, identified by name. */
    record Symbolic(String name) implements Dim {
        /**
         * Checks the name.
         *
         * @param name the name, non-blank
         * @throws SmoothcalException if {@code name} is null or blank
         */
        public Symbolic {
            if (name == null || name.isBlank()) {
                throw new SmoothcalException("symbolic dimension name must be non-blank, found "
                        + (name == null ? "none" : "'" + name + "'"));
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
