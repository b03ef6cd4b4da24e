package dev.smoothcal.junit;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.run.RunDirectory;
import java.nio.file.Path;
import java.util.Objects;

/** A training run not yet checked: choose the data to compare its two exported forms on. */
public final class RunAssert {
    private final Path run;

    RunAssert(Path run) {
        this.run = Objects.requireNonNull(run, "run");
    }

    /**
     * The run's assertions on {@code data}.
     *
     * @param data labelled images of the run's input shape
     * @return assertions comparing the run's SavedModel and model.onnx on those images
     */
    public RunParityAssert on(Dataset data) {
        return new RunParityAssert(new RunDirectory(run), data);
    }
}
