package dev.smoothcal.trainer.train;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.io.AtomicFiles;
import dev.smoothcal.core.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Per-epoch checkpoints in a folder: {@code latest/} and {@code best/} (TF checkpoints of every variable)
 * and {@code state.json} ({@link TrainingState}). A checkpoint is written to a temporary folder and
 * renamed into place, and {@code state.json} is replaced atomically last, so a process killed at any
 * moment (kill -9 included) leaves the previous complete checkpoint readable and loses at most the
 * epoch in progress.
 */
public final class CheckpointStore {
    static final String STATE_JSON = "state.json";
    private static final String LATEST = "latest";
    private static final String BEST = "best";
    private static final String PREFIX = "ckpt";

    private final Path dir;

    /**
     * A store in {@code dir}, which must exist before the first save.
     *
     * @param dir the checkpoint folder
     */
    public CheckpointStore(Path dir) {
        this.dir = dir;
    }

    /**
     * The saved state, if a complete checkpoint exists.
     *
     * @return the state, or empty when no checkpoint was completed yet
     * @throws SmoothcalException when state.json is of another format version
     */
    public Optional<TrainingState> state() {
        Path file = dir.resolve(STATE_JSON);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        TrainingState state = Json.read(file, TrainingState.class);
        if (!TrainingState.FORMAT.equals(state.format())) {
            throw new SmoothcalException("expected " + file + " in format " + TrainingState.FORMAT + ", found "
                    + (state.format() == null ? "no format key" : state.format())
                    + ": the checkpoint was written by another smoothcal version; start a new run");
        }
        return Optional.of(state);
    }

    /** Saves the session as the latest checkpoint (and as the best one when {@code isBest}), then the state. */
    void save(Session session, TrainingState state, boolean isBest) {
        saveSession(session, LATEST);
        if (isBest) {
            saveSession(session, BEST);
        }
        Json.write(dir.resolve(STATE_JSON), state);
    }

    /** Restores the latest checkpoint into {@code session}. */
    void restoreLatest(Session session) {
        restore(session, LATEST);
    }

    /** Restores the best checkpoint into {@code session}. */
    void restoreBest(Session session) {
        restore(session, BEST);
    }

    private void restore(Session session, String which) {
        Path prefix = dir.resolve(which).resolve(PREFIX);
        try {
            session.restore(prefix.toString());
        } catch (TensorFlowException e) {
            throw SmoothcalException.backend("could not restore checkpoint " + prefix + ": " + firstLine(e), e);
        }
    }

    private void saveSession(Session session, String which) {
        Path tmp = dir.resolve("." + which + ".tmp");
        Path target = dir.resolve(which);
        Path old = dir.resolve("." + which + ".old");
        try {
            AtomicFiles.deleteTree(tmp);
            Files.createDirectories(tmp);
            session.save(tmp.resolve(PREFIX).toString());
            AtomicFiles.deleteTree(old);
            if (Files.exists(target)) {
                Files.move(target, old);
            }
            Files.move(tmp, target);
            AtomicFiles.deleteTree(old);
        } catch (IOException | TensorFlowException e) {
            try {
                AtomicFiles.deleteTree(tmp); // a full disk leaves no half-written checkpoint behind
            } catch (SmoothcalException ignored) {
                // the failure to write is what matters
            }
            throw SmoothcalException.backend("could not write checkpoint " + target + ": " + firstLine(e), e);
        }
    }

    /**
     * The first line of a TensorFlow or I/O failure: TensorFlow appends hints (such as one about OOM after a
     * full disk) on further lines, which are not about the failure.
     */
    static String firstLine(Exception e) {
        String m = e instanceof IOException io ? AtomicFiles.describe(io) : String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }

    /**
     * Whether the folder holds any checkpoint file.
     *
     * @return true when the folder is missing, empty or unreadable
     */
    public boolean isEmpty() {
        if (!Files.isDirectory(dir)) {
            return true;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * The checkpoint folder.
     *
     * @return the folder
     */
    public Path dir() {
        return dir;
    }
}
