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
     * A store over {@code dir}; nothing is read or written yet.
     *
     * @param dir the checkpoint folder, created on the first save
     */
    public CheckpointStore(Path dir) {
        this.dir = dir;
    }

    /**
     * The saved state, if a complete checkpoint exists.
     *
     * @return the state, or empty when there is no complete checkpoint
     */
    public Optional<TrainingState> state() {
        Path file = dir.resolve(STATE_JSON);
        return Files.isRegularFile(file) ? Optional.of(Json.read(file, TrainingState.class)) : Optional.empty();
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
            throw new SmoothcalException("could not restore checkpoint " + prefix + ": " + e.getMessage(), e);
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
            throw new SmoothcalException("could not write checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the folder holds any checkpoint file.
     *
     * @return true when the folder is missing or holds no checkpoint file
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
     * @return the folder given at construction
     */
    public Path dir() {
        return dir;
    }
}
