package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.inference.ClassifierSession;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The JVM-wide holder of ONNX Runtime sessions on an executor (or on the driver in local mode): one session
 * per model digest and provider, created on first use from the broadcast bytes and shared by every task and
 * partition that runs in this JVM (ONNX Runtime sessions are safe to run from several threads). Everything is
 * closed by a shutdown hook when the JVM ends. Sessions are never evicted: an executor that evaluates many
 * different models keeps one session for each until it exits.
 */
final class ExecutorClassifiers {
    private static final Map<String, ClassifierSession> SESSIONS = new HashMap<>();
    private static final Map<String, ImageClassifier> CLASSIFIERS = new HashMap<>();
    private static boolean hookInstalled;

    private ExecutorClassifiers() {
    }

    /**
     * The classifier of {@code spec} in this JVM, opened on first use.
     *
     * @param spec model digest, shape and options
     * @param modelBytes the model, read only when this JVM has no session for its digest yet
     * @return the shared classifier
     */
    static synchronized ImageClassifier classifier(InferenceSpec spec, Supplier<byte[]> modelBytes) {
        ImageClassifier known = CLASSIFIERS.get(spec.classifierKey());
        if (known != null) {
            return known;
        }
        String sessionKey = spec.modelDigest() + "|" + spec.provider();
        ClassifierSession session = SESSIONS.get(sessionKey);
        if (session == null) {
            session = open(modelBytes.get(), spec);
            SESSIONS.put(sessionKey, session);
            installHook();
        }
        ImageClassifier classifier = new ImageClassifier(session, spec.shape(), spec.options());
        CLASSIFIERS.put(spec.classifierKey(), classifier);
        return classifier;
    }

    /** Sessions open in this JVM (for tests: one per model, whatever the partition count). */
    static synchronized int openSessions() {
        return SESSIONS.size();
    }

    /** Closes every session; the next task opens them again. */
    static synchronized void closeAll() {
        CLASSIFIERS.clear();
        for (ClassifierSession s : SESSIONS.values()) {
            s.close();
        }
        SESSIONS.clear();
    }

    private static ClassifierSession open(byte[] bytes, InferenceSpec spec) {
        // ClassifierSession opens files; the bytes live in a temporary file only while ONNX Runtime reads them.
        Path file = null;
        try {
            file = Files.createTempFile("smoothcal-model-", ".onnx");
            Files.write(file, bytes);
            return ClassifierSession.open(file, spec.provider());
        } catch (IOException e) {
            throw SmoothcalException.backend("could not write the broadcast model to a temporary file: "
                    + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static void installHook() {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(new Thread(ExecutorClassifiers::closeAll, "smoothcal-ort-close"));
            hookInstalled = true;
        }
    }
}
