package dev.smoothcal.trainer.train;

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
    public enum Kind {
        AUTO, CPU, GPU
    }

    public static final Device AUTO = new Device(Kind.AUTO, 0);

    public Device {
        if (kind == null || index < 0) {
            throw new SmoothcalException("--device must be auto, cpu or gpu[:N] with N >= 0, found " + kind + ":" + index);
        }
    }

    /** Parses {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}. */
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
        throw new SmoothcalException("--device must be auto, cpu, gpu or gpu:N, found '" + text + "'");
    }

    /** The TF device spec, or null for {@link Kind#AUTO}. */
    DeviceSpec spec() {
        return switch (kind) {
            case AUTO -> null;
            case CPU -> DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(0).build();
            case GPU -> DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(index).build();
        };
    }

    @Override
    public String toString() {
        return kind == Kind.GPU ? "gpu:" + index : kind.name().toLowerCase(Locale.ROOT);
    }
}
