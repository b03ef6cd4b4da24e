package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.metrics.MetricsConfig;
import dev.smoothcal.evaluator.calibration.Calibrator;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Evaluates one partition: runs its images through this JVM's shared classifier in batches and feeds an
 * accumulator started at the global index of the partition's first sample. Batches never cross a multiple
 * of the batch size in global index, so a full batch here is the very batch the single-JVM evaluation
 * runs. A jump in the indices closes the accumulator and starts another one at the new index; more than
 * {@link #MAX_SEGMENTS} of them fail the partition with a message saying how to order the rows.
 */
final class PartitionEvaluator implements FlatMapFunction<Iterator<SparkSample>, Segment> {
    private static final long serialVersionUID = 1L;
    /** Runs of consecutive indices one partition may hold: each costs an accumulator (about 2 MB) on the driver. */
    static final int MAX_SEGMENTS = 16;

    private final Broadcast<byte[]> model;
    private final InferenceSpec spec;
    private final MetricsConfig config;
    /** The fitted temperature, or NaN for none. */
    private final double temperature;
    /** The fitted calibrators, in the request's order. */
    private final List<Calibrator> calibrators;

    PartitionEvaluator(Broadcast<byte[]> model, InferenceSpec spec, MetricsConfig config, double temperature,
            List<Calibrator> calibrators) {
        this.model = model;
        this.spec = spec;
        this.config = config;
        this.temperature = temperature;
        this.calibrators = calibrators;
    }

    @Override
    public Iterator<Segment> call(Iterator<SparkSample> samples) {
        ImageClassifier classifier = ExecutorClassifiers.classifier(spec, model::value);
        int batch = spec.batchSize();
        int per = spec.height() * spec.width() * spec.channels();
        float[] images = new float[batch * per];
        int[] labels = new int[batch];
        List<Segment> segments = new ArrayList<>();
        Segment current = null;
        long first = -1;
        long expected = -1;
        int n = 0;
        while (samples.hasNext()) {
            SparkSample s = samples.next();
            long index = s.getIndex();
            if (current == null || index != expected) {
                flush(classifier, current, images, labels, n);
                n = 0;
                if (current != null) {
                    segments.add(current);
                    if (segments.size() > MAX_SEGMENTS) {
                        throw new SmoothcalException("a partition holds samples " + first + " to " + (expected - 1)
                                + " and then " + index + ": expected each partition to hold runs of consecutive "
                                + "indices in order, found more than " + MAX_SEGMENTS + " runs (order the rows "
                                + "with SparkSamples.inIndexOrder first)");
                    }
                }
                current = Segment.start(config, index, temperature, calibrators);
                first = index;
            } else if (n == batch || index % batch == 0) {
                flush(classifier, current, images, labels, n);
                n = 0;
            }
            float[] image = s.getImage();
            if (image == null || image.length != per) {
                throw new SmoothcalException("sample " + index + ": expected an image of " + spec.shape() + " ("
                        + per + " values), found " + (image == null ? "none" : image.length + " values"));
            }
            System.arraycopy(image, 0, images, n * per, per);
            labels[n] = s.getLabel();
            n++;
            expected = index + 1;
        }
        if (current != null) {
            flush(classifier, current, images, labels, n);
            segments.add(current);
        }
        return segments.iterator();
    }

    /** Scores {@code n} images into {@code into}'s accumulators. */
    private void flush(ImageClassifier classifier, Segment into, float[] images, int[] labels, int n) {
        if (n > 0) {
            ImageClassifier.Batch b = classifier.predict(images, 0, n);
            into.accept(b, labels, classifier.outputKind(), temperature, calibrators);
        }
    }
}
