package dev.smoothcal.trainer.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.smoothcal.core.SmoothcalException;
import java.util.Locale;
import org.tensorflow.DeviceSpec;

/**
 * Where the training graph runs: {@code auto} (TensorFlow's own placement: the first GPU when the GPU
 * natives find one, else CPU), {@code cpu}, or {@code gpu[:N]}.
 *
 * @param kind AUTO, CPU or GPU
 * @param index GPU index, at least 0 (0 for the others)
 */
public record Device(Kind kind, int index) {
    /** The kind of device. */
    public enum Kind {
        /** TensorFlow places the ops. */
        AUTO,
        /** The CPU only. */
        CPU,
        /** One GPU, by index. */
        GPU
    }

    /** TensorFlow's own placement. */
    public static final Device AUTO = new Device(Kind.AUTO, 0);

    /**
     * Checks the kind and the index.
     *
     * @param kind AUTO, CPU or GPU
     * @param index GPU index, at least 0 (0 for the others)
     * @throws SmoothcalException if the kind is null or the index is negative
     */
    public Device {
        if (kind == null || index < 0) {
            throw SmoothcalException.invalid("device", "must be auto, cpu or gpu[:N] with N >= 0, found " + kind + ":" + index);
        }
    }

    /**
     * Parses {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}; also how JSON (run.json) is read.
     *
     * @param text the device as the command line spells it
     * @return the device
     */
    @JsonCreator
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("auto")) {
            return AUTO;
        }
        if (t.equals("cpu")) {
            return new Device(Kind.CPU, 0);
        }
        if (t.equals("gpu")) {
            return new Device(Kind.GPU, 0);
        }
        if (t.startsWith("gpu:")) {
            try {
                return new Device(Kind.GPU, Integer.parseInt(t.substring(4)));
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
        }
        throw SmoothcalException.invalid("device", "must be auto, cpu, gpu or gpu:N, found '" + text + "'");
    }

    /**
     * Fails with a clear message when a GPU is asked for and TensorFlow cannot place an op on it
     * (CPU-only natives, no driver, or no such index). Training graphs use soft placement, which
     * would otherwise fall back to the CPU without a word.
     *
     * @throws SmoothcalException naming {@code device} when the GPU asked for cannot be used
     */
    public void requireUsable() {
        if (kind != Kind.GPU) {
            return;
        }
        try (org.tensorflow.Graph g = new org.tensorflow.Graph()) {
            org.tensorflow.op.Ops tf = org.tensorflow.op.Ops.create(g).withDevice(spec());
            var probe = tf.math.add(tf.constant(1f), tf.constant(1f));
            var strict = org.tensorflow.proto.ConfigProto.newBuilder().setAllowSoftPlacement(false).build();
            try (org.tensorflow.Session s = new org.tensorflow.Session(g, strict)) {
                s.runner().fetch(probe).run().close(); // placed and ran on the GPU
            }
        } catch (org.tensorflow.exceptions.TensorFlowException | IllegalArgumentException e) {
            throw SmoothcalException.invalid("device", this + ": expected a usable GPU, found none ("
                    + firstLine(e.getMessage()) + "); the default build has CPU-only TensorFlow natives, "
                    + "build with -Pgpu on a CUDA 12 machine, or choose auto or cpu", e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The TF device spec, or null for {@link Kind#AUTO}. */
    DeviceSpec spec() {
        return switch (kind) {
            case AUTO -> null;
            case CPU -> DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(0).build();
            case GPU -> DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(index).build();
        };
    }

    /** The command-line spelling ({@code auto}, {@code cpu}, {@code gpu:N}), also the JSON value. */
    @JsonValue
    @Override
    public String toString() {
        return kind == Kind.GPU ? "gpu:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
