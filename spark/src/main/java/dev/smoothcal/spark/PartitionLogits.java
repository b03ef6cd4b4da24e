package dev.smoothcal.spark;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.evaluator.calibration.TemperatureScaling;
import dev.smoothcal.evaluator.inference.ImageClassifier;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Scores one partition for the temperature fit: its images through this JVM's shared classifier in the
 * batches of the single-JVM scoring (never across a multiple of the batch size in global index), giving one
 * {@link LogitBlock} of its logits and labels.
 */
final class PartitionLogits implements FlatMapFunction<Iterator<SparkSample>, LogitBlock> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> model;
    private final InferenceSpec spec;
    private final int k;

    PartitionLogits(Broadcast<byte[]> model, InferenceSpec spec, int k) {
        this.model = model;
        this.spec = spec;
        this.k = k;
    }

    @Override
    public Iterator<LogitBlock> call(Iterator<SparkSample> samples) {
        ImageClassifier classifier = ExecutorClassifiers.classifier(spec, model::value);
        int batch = spec.batchSize();
        int per = spec.height() * spec.width() * spec.channels();
        float[] images = new float[batch * per];
        float[] logits = new float[0];
        int[] labels = new int[0];
        long first = -1;
        int n = 0;
        int inBatch = 0;
        while (samples.hasNext()) {
            SparkSample s = samples.next();
            long index = s.getIndex();
            if (first < 0) {
                first = index;
            } else if (index != first + n + inBatch) {
                throw new SmoothcalException("the temperature fit expects each partition to hold consecutive sample "
                        + "indices in order, found " + index + " after " + (first + n + inBatch - 1)
                        + " (order the rows with SparkSamples.inIndexOrder first)");
            }
            if (inBatch == batch || (inBatch > 0 && index % batch == 0)) {
                logits = score(classifier, images, inBatch, logits, n);
                n += inBatch;
                inBatch = 0;
            }
            float[] image = s.getImage();
            if (image == null || image.length != per) {
                throw new SmoothcalException("sample " + index + ": expected an image of " + spec.shape() + " ("
                        + per + " values), found " + (image == null ? "none" : image.length + " values"));
            }
            int label = s.getLabel();
            if (label < 0 || label >= k) {
                throw new SmoothcalException("temperature fit: label of sample " + index + " must be in [0, " + k
                        + "), found " + label);
            }
            System.arraycopy(image, 0, images, inBatch * per, per);
            if (labels.length == n + inBatch) {
                labels = Arrays.copyOf(labels, Math.max(16, labels.length * 2));
            }
            labels[n + inBatch] = label;
            inBatch++;
        }
        if (first < 0) {
            return List.<LogitBlock>of().iterator();
        }
        logits = score(classifier, images, inBatch, logits, n);
        n += inBatch;
        return List.of(new LogitBlock(first, n, Arrays.copyOf(logits, n * k), Arrays.copyOf(labels, n))).iterator();
    }

    /** Appends the logits of {@code count} images at row {@code at} of {@code into} (grown as needed). */
    private float[] score(ImageClassifier classifier, float[] images, int count, float[] into, int at) {
        if (count == 0) {
            return into;
        }
        float[] z = TemperatureScaling.logits(classifier.predict(images, 0, count).raw(), classifier.outputKind());
        for (int i = 0; i < count * k; i++) {
            if (!Float.isFinite(z[i])) {
                throw new SmoothcalException("temperature fit: expected finite logits, found " + z[i] + " for sample "
                        + (at + i / k) + " of the partition, class " + i % k);
            }
        }
        float[] out = into.length >= (at + count) * k ? into : Arrays.copyOf(into, Math.max((at + count) * k,
                into.length * 2));
        System.arraycopy(z, 0, out, at * k, count * k);
        return out;
    }
}
