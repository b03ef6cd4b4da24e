package dev.smoothcal.core.metrics;

import dev.smoothcal.core.SmoothcalException;
import java.util.ArrayList;
import java.util.List;

/**
 * Streaming, mergeable accuracy and calibration metrics of a K-class classifier, in double precision.
 * Feed batches of probability rows with {@link #accept}, merge shards with {@link #combine}, read
 * {@link #result}. Memory depends on K, B and the replicate count, never on the number of samples.
 * Not thread-safe: one accumulator per thread, then combine. Serializable, so shards computed on other
 * machines (Spark executors) travel to the one that combines them.
 *
 * <p>Per sample i with probabilities {@code p_i} (K values) and label {@code y_i}:
 * <ul>
 *   <li>prediction {@code argmax_k p_ik}, the lowest index on ties (as numpy's argmax);
 *       top-label confidence {@code c_i = max_k p_ik}; {@code ok_i = [prediction == y_i]};</li>
 *   <li>accuracy {@code = mean(ok_i)};</li>
 *   <li>top-k accuracy: the label is in the top k when fewer than k classes have a probability strictly
 *       greater than {@code p_iy}; ties therefore favour the label, and top-1 can exceed accuracy when
 *       the label ties with a lower-indexed arg-max;</li>
 *   <li>NLL {@code = mean(-ln(max(p_iy, 1e-12)))}: the clamp keeps a zero probability finite (at most
 *       27.63 per sample);</li>
 *   <li>Brier {@code = mean(sum_k (p_ik - [k == y_i])^2)}, the multi-class form over all K classes
 *       (range [0, 2]; for K = 2 it is twice the binary Brier score of one class);</li>
 *   <li>ECE {@code = sum_b (n_b/N) |acc_b - conf_b|} over B equal-width bins of {@code c_i}: bin b covers
 *       {@code (b/B, (b+1)/B]}, the first bin {@code [0, 1/B]}, so 0 is in the first bin and 1 in the
 *       last; empty bins contribute nothing;</li>
 *   <li>MCE {@code = max_b |acc_b - conf_b|} over non-empty bins, torchmetrics' {@code norm="max"};</li>
 *   <li>L2 ECE {@code = sqrt(sum_b (n_b/N) (acc_b - conf_b)^2)} over the same bins, torchmetrics'
 *       {@code norm="l2"} (the ECE above is {@code norm="l1"}); see {@link CalibrationNorm};</li>
 *   <li>debiased L2 ECE (Kumar et al. 2019, "Verified uncertainty calibration"): the plug-in squared
 *       error minus each bin's sampling variance of its accuracy,
 *       {@code sqrt(max(0, sum_{b : n_b >= 2} (n_b/N) [(acc_b - conf_b)^2 - acc_b (1 - acc_b) / (n_b - 1)]))},
 *       on the same equal-width bins (their code defaults to equal-mass bins); 0 when the correction
 *       exceeds the plug-in value;</li>
 *   <li>smooth ECE (Blasiok and Nakkiran 2023): top-label residuals {@code c_i - ok_i} smoothed with a
 *       Gaussian kernel reflected at 0 and 1, {@code ∫ |ĥ_σ|}, at their fixed-point bandwidth
 *       {@code σ* = smECE_σ*}; no bins. Computed on a grid of 1025 points, see
 *       {@link SmoothCalibrationGrid} for the exact rule and how it differs from relplot;</li>
 *   <li>equal-mass ECE: the same sum over B groups of about N/B samples in ascending confidence. Exact
 *       quantiles do not stream, so confidences go into 2^16 equal-width micro-bins and consecutive
 *       micro-bins are merged: micro-bin m joins group {@code floor(C_m * B / N)}, {@code C_m} being the
 *       samples below it. That is the rank rule "sample of rank r is in group floor(r * B / N)" exactly,
 *       except that a micro-bin (width 2^-16) is never split across groups;</li>
 *   <li>classwise ECE (Kull et al. 2019): for every class k, ECE of the score {@code p_ik} against
 *       the target {@code [y_i == k]} over the same equal-width bins, then the mean over the K
 *       classes;</li>
 *   <li>per-class precision, recall, F1 and confusion matrix as in scikit-learn (see
 *       {@link ClassScores});</li>
 *   <li>optional 95% Poisson-bootstrap percentile intervals of accuracy and ECE: in replicate r sample i
 *       has weight {@code w_ir ~ Poisson(1)}, drawn from a SplitMix64 stream keyed by (seed, global
 *       index); replicate values are the weighted accuracy and equal-width ECE, replicates of total
 *       weight 0 are dropped, and the interval is the 2.5th-97.5th percentile (linear interpolation,
 *       numpy's default). Memory O(replicates * B).</li>
 * </ul>
 *
 * <p>Each sample has a global index: {@code firstSampleIndex} plus its position in the stream. The
 * bootstrap weights are a function of (seed, global index) only, so the result does not depend on batch
 * sizes. {@link #combine} of adjacent shards (the second starting where the first ends) gives the
 * single-pass result exactly for every count and bootstrap weight; sums of doubles may differ in the last
 * bits because they are added in another order.
 *
 * <p>Input is checked before anything is counted, so a rejected batch leaves the accumulator unchanged.
 * Every probability must be finite and in [0, 1], every row must sum to 1 within 1e-3, every label must
 * be in [0, K).
 *
 * <p>Serializable only to travel between the JVMs of one job (Spark executors to the driver, same
 * smoothcal version); the serialized form is not a stable exchange format (write results as JSON).
 *
 * @serial exclude
 */
public final class MetricsAccumulator implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    /** Smallest probability inside the NLL's logarithm. */
    public static final double NLL_EPSILON = 1e-12;
    /** Largest accepted {@code |sum_k p_ik - 1|}. */
    public static final double ROW_SUM_TOLERANCE = 1e-3;

    private final MetricsConfig config;
    private final int numClasses;
    private final int bins;
    /** Rows whose top-label statistics wait in {@link #pendingConfidence} before they are counted. */
    private static final int PENDING = 256;

    /** One probability row in double precision (K values); rebuilt after deserialisation. */
    private transient double[] row;
    /**
     * Top-label confidence and hit of rows counted by the row loop but not yet by the top-label
     * statistics (at most {@link #PENDING}; always none between calls). The equal-mass histogram is too
     * large for the cache, so its updates run in a loop of their own, where the processor overlaps their
     * cache misses; the order of additions stays the sample order.
     */
    private transient double[] pendingConfidence;
    private transient int[] pendingCorrect;
    private transient int pending;

    private long firstSampleIndex;
    private long count;
    private double negativeLogLikelihoodSum;
    private double brierSum;
    /** rankCounts[j]: samples whose label had exactly j classes with strictly greater probability. */
    private final long[] rankCounts;
    private final ConfusionMatrix confusion;
    private final EqualWidthBins topLabel;
    private final EqualMassHistogram equalMass;
    private final ClasswiseBins classwise;
    private final SmoothCalibrationGrid smooth = new SmoothCalibrationGrid();
    private final PoissonBootstrap bootstrap;

    /**
     * An empty accumulator whose first sample has global index 0.
     *
     * @param config what to measure; not null
     */
    public MetricsAccumulator(MetricsConfig config) {
        this(config, 0L);
    }

    /**
     * An empty accumulator whose first sample has global index {@code firstSampleIndex}: give each
     * shard of a data set the index of its first sample, so bootstrap weights match a single pass.
     *
     * @param config what to measure; not null
     * @param firstSampleIndex the global index of the first sample this accumulator accepts, at least 0
     */
    public MetricsAccumulator(MetricsConfig config, long firstSampleIndex) {
        if (config == null) {
            throw new SmoothcalException("metrics config must be given, found null");
        }
        if (firstSampleIndex < 0) {
            throw new SmoothcalException("firstSampleIndex must be at least 0, found " + firstSampleIndex);
        }
        this.config = config;
        this.numClasses = config.numClasses();
        this.bins = config.bins();
        this.firstSampleIndex = firstSampleIndex;
        this.rankCounts = new long[numClasses];
        this.confusion = new ConfusionMatrix(numClasses);
        this.topLabel = new EqualWidthBins(bins);
        this.equalMass = new EqualMassHistogram();
        this.classwise = new ClasswiseBins(numClasses, bins);
        this.bootstrap = config.bootstrapEnabled()
                ? new PoissonBootstrap(config.bootstrapReplicates(), bins, config.seed())
                : null;
    }

    /**
     * The configuration this accumulator measures under.
     *
     * @return the configuration given at construction
     */
    public MetricsConfig config() {
        return config;
    }

    /**
     * Samples accepted so far (including those of combined shards).
     *
     * @return the number of samples accepted
     */
    public long count() {
        return count;
    }

    /**
     * Global index the next accepted sample gets.
     *
     * @return the first sample index plus the count
     */
    public long nextSampleIndex() {
        return firstSampleIndex + count;
    }

    /**
     * Adds the first {@code n} rows of a batch.
     *
     * @param probabilities row-major {@code [n, K]} (or longer; the rest is ignored)
     * @param labels true classes, at least {@code n}
     * @param n rows to take, at least 0
     * @throws SmoothcalException for a bad shape, label or probability, naming the sample's global index
     */
    public void accept(float[] probabilities, int[] labels, int n) {
        checkBatch(probabilities == null ? -1 : probabilities.length, labels, n);
        for (int i = 0; i < n; i++) {
            checkRow(probabilities, i * numClasses, labels[i], i);
        }
        // Each row is widened into a K-value buffer that stays in the L1 cache, then counted: one read of
        // the batch for the check and one for the metrics, no batch-sized copy.
        double[] row = rowBuffer();
        for (int i = 0; i < n; i++) {
            int offset = i * numClasses;
            for (int k = 0; k < numClasses; k++) {
                row[k] = probabilities[offset + k];
            }
            acceptRow(row, 0, labels[i]);
        }
        flushPending();
    }

    /**
     * Adds the first {@code n} rows of a batch of logits, turned into probabilities in double precision
     * exactly as {@link Softmax#probabilities} does, one row at a time: the probabilities are never
     * materialised for the batch, and {@code accept(Softmax.probabilities(logits, n, K), labels, n)}
     * gives the same result bit for bit.
     *
     * @param logits row-major {@code [n, K]}, finite (or longer; the rest is ignored)
     * @param labels true classes, at least {@code n}
     * @param n rows to take, at least 0
     * @throws SmoothcalException for a bad shape, label or logit
     */
    public void acceptLogits(float[] logits, int[] labels, int n) {
        checkBatch(logits == null ? -1 : logits.length, labels, n);
        for (int i = 0; i < n; i++) {
            checkLabel(labels[i], i);
        }
        Softmax.checkFinite(logits, n, numClasses);
        double[] row = rowBuffer();
        for (int i = 0; i < n; i++) {
            Softmax.row(logits, i * numClasses, numClasses, row);
            acceptRow(row, 0, labels[i]);
        }
        flushPending();
    }

    /**
     * As {@link #accept(float[], int[], int)} for probabilities already in double precision.
     *
     * @param probabilities row-major {@code [n, K]} (or longer; the rest is ignored)
     * @param labels true classes, at least {@code n}
     * @param n rows to take, at least 0
     */
    public void accept(double[] probabilities, int[] labels, int n) {
        checkBatch(probabilities == null ? -1 : probabilities.length, labels, n);
        for (int i = 0; i < n; i++) {
            checkRow(probabilities, i * numClasses, labels[i], i);
        }
        rowBuffer();
        for (int i = 0; i < n; i++) {
            acceptRow(probabilities, i * numClasses, labels[i]);
        }
        flushPending();
    }

    private double[] rowBuffer() {
        if (row == null) {
            row = new double[numClasses];
            pendingConfidence = new double[PENDING];
            pendingCorrect = new int[PENDING];
        }
        return row;
    }

    /**
     * Adds everything {@code other} accepted; {@code other} is left as it was.
     *
     * @param other an accumulator with the same configuration
     * @return this accumulator
     * @throws SmoothcalException when the configurations differ, when {@code other} is this accumulator,
     *     or, with the bootstrap on, when the shards are not adjacent in global sample index
     */
    public MetricsAccumulator combine(MetricsAccumulator other) {
        if (other == this) {
            throw new SmoothcalException("cannot combine an accumulator with itself: every sample would count twice");
        }
        if (!config.equals(other.config)) {
            throw new SmoothcalException("cannot combine metrics of different configurations: expected "
                    + config + ", found " + other.config);
        }
        long start;
        if (other.count == 0 || other.firstSampleIndex == nextSampleIndex()) {
            start = firstSampleIndex;
        } else if (count == 0 || other.nextSampleIndex() == firstSampleIndex) {
            start = other.firstSampleIndex;
        } else if (bootstrap == null) {
            start = firstSampleIndex;
        } else {
            throw new SmoothcalException("bootstrap shards must be adjacent in global sample index: expected the"
                    + " other shard to start at " + nextSampleIndex() + " or end at " + firstSampleIndex
                    + ", found samples [" + other.firstSampleIndex + ", " + other.nextSampleIndex() + ")");
        }
        firstSampleIndex = start;
        count += other.count;
        negativeLogLikelihoodSum += other.negativeLogLikelihoodSum;
        brierSum += other.brierSum;
        for (int j = 0; j < numClasses; j++) {
            rankCounts[j] += other.rankCounts[j];
        }
        confusion.combine(other.confusion);
        topLabel.combine(other.topLabel);
        equalMass.combine(other.equalMass);
        classwise.combine(other.classwise);
        smooth.combine(other.smooth);
        if (bootstrap != null) {
            bootstrap.combine(other.bootstrap);
        }
        return this;
    }

    /**
     * The metrics of everything accepted so far. The accumulator stays usable.
     *
     * @return the metrics, with bootstrap intervals when the configuration asks for them
     * @throws SmoothcalException when no sample was accepted (every metric would be 0/0)
     */
    public MetricsResult result() {
        if (count == 0) {
            throw new SmoothcalException("metrics of zero samples are undefined: expected at least one accepted sample,"
                    + " found none");
        }
        double accuracy = (double) confusion.correct() / count;
        List<TopKAccuracy> atK = new ArrayList<>(config.topK().size());
        for (int k : config.topK()) {
            long inTopK = 0;
            for (int j = 0; j < k; j++) {
                inTopK += rankCounts[j];
            }
            atK.add(new TopKAccuracy(k, (double) inTopK / count));
        }
        double ece = topLabel.calibrationError(count);
        EqualMassHistogram.Summary equalMassSummary = equalMass.summarise(bins, count);
        double[] smoothEce = smooth.result(count);
        return new MetricsResult(config, count, accuracy, atK,
                negativeLogLikelihoodSum / count, brierSum / count,
                ece, topLabel.maximumCalibrationError(), equalMassSummary.calibrationError(),
                classwise.calibrationError(count),
                topLabel.reliability(), equalMassSummary.groups(),
                confusion.report(count),
                bootstrap == null ? null : bootstrap.intervals(accuracy, ece),
                topLabel.calibrationErrorL2(count), topLabel.debiasedCalibrationErrorL2(count), smoothEce[0],
                smoothEce[1]);
    }

    /**
     * Counts one row. Everything per class happens in this one loop over the row, without calls and
     * without branches that depend on the data (selects only), so the JIT keeps it in registers.
     */
    private void acceptRow(double[] p, int offset, int label) {
        double labelProbability = p[offset + label];
        int predicted = 0;
        double confidence = p[offset];
        int greater = 0;
        double brier = 0.0;
        double[] scores = classwise.scoreSums();
        int cell = 0;
        for (int k = 0; k < numClasses; k++, cell += bins) {
            double pk = p[offset + k];
            boolean above = pk > confidence;
            confidence = above ? pk : confidence;
            predicted = above ? k : predicted;
            greater += pk > labelProbability ? 1 : 0;
            // 1 when k is the label, else 0, without a branch: (k ^ label) - 1 is negative only for 0
            double error = pk - (((k ^ label) - 1) >>> 31);
            brier += error * error;
            scores[cell + EqualWidthBins.index(pk, bins)] += pk;
        }
        classwise.addTarget(label, EqualWidthBins.index(labelProbability, bins));
        rankCounts[greater]++;
        brierSum += brier;
        negativeLogLikelihoodSum -= Math.log(Math.max(labelProbability, NLL_EPSILON));
        confusion.add(label, predicted);
        pendingConfidence[pending] = confidence;
        pendingCorrect[pending] = predicted == label ? 1 : 0;
        if (++pending == PENDING) {
            flushPending();
        }
    }

    /** Counts the pending rows' top-label statistics, in sample order, and the rows themselves. */
    private void flushPending() {
        double[] confidences = pendingConfidence;
        int[] hits = pendingCorrect;
        int rows = pending;
        for (int i = 0; i < rows; i++) {
            equalMass.add(confidences[i], hits[i]);
        }
        for (int i = 0; i < rows; i++) {
            double confidence = confidences[i];
            int correct = hits[i];
            int bin = EqualWidthBins.index(confidence, bins);
            topLabel.addAt(bin, confidence, correct);
            smooth.add(confidence, correct);
            if (bootstrap != null) {
                bootstrap.add(firstSampleIndex + count + i, bin, confidence, correct == 1);
            }
        }
        count += rows;
        pending = 0;
    }

    private void checkBatch(int probabilityCount, int[] labels, int n) {
        if (n < 0) {
            throw new SmoothcalException("batch size n must be at least 0, found " + n);
        }
        if (probabilityCount < 0 || labels == null) {
            throw new SmoothcalException("expected a probability array and a label array, found "
                    + (probabilityCount < 0 ? "no probabilities" : "no labels"));
        }
        if (probabilityCount < (long) n * numClasses) {
            throw new SmoothcalException("expected at least n*K = " + n + "*" + numClasses + " = "
                    + (long) n * numClasses + " probabilities, found " + probabilityCount);
        }
        if (labels.length < n) {
            throw new SmoothcalException("expected at least n = " + n + " labels, found " + labels.length);
        }
    }

    private void checkLabel(int label, int batchRow) {
        if (label < 0 || label >= numClasses) {
            throw new SmoothcalException(where(batchRow) + ": expected a label in [0, " + numClasses + "), found "
                    + label);
        }
    }

    private void checkRow(double[] p, int offset, int label, int batchRow) {
        checkLabel(label, batchRow);
        double sum = 0.0;
        boolean inRange = true;
        for (int k = 0; k < numClasses; k++) {
            double pk = p[offset + k];
            inRange &= pk >= 0.0 & pk <= 1.0;
            sum += pk;
        }
        if (!inRange) {
            rejectRange(p, offset, batchRow);
        }
        checkSum(sum, batchRow);
    }

    private void checkRow(float[] p, int offset, int label, int batchRow) {
        checkLabel(label, batchRow);
        double sum = 0.0;
        boolean inRange = true;
        for (int k = 0; k < numClasses; k++) {
            float pk = p[offset + k];
            inRange &= pk >= 0.0f & pk <= 1.0f;
            sum += pk;
        }
        if (!inRange) {
            double[] widenedRow = new double[numClasses];
            for (int k = 0; k < numClasses; k++) {
                widenedRow[k] = p[offset + k];
            }
            rejectRange(widenedRow, 0, batchRow);
        }
        checkSum(sum, batchRow);
    }

    /** Names the first value of a row that is not a finite probability; only called when there is one. */
    private void rejectRange(double[] p, int offset, int batchRow) {
        for (int k = 0; k < numClasses; k++) {
            double pk = p[offset + k];
            if (!(pk >= 0.0 && pk <= 1.0)) {
                throw new SmoothcalException(where(batchRow) + ", class " + k
                        + ": expected a finite probability in [0, 1], found " + pk);
            }
        }
        throw SmoothcalException.defect("row " + batchRow + " was out of range, but no value of it is");
    }

    private void checkSum(double sum, int batchRow) {
        if (!(Math.abs(sum - 1.0) <= ROW_SUM_TOLERANCE)) {
            throw new SmoothcalException(where(batchRow) + ": expected probabilities summing to 1 (within "
                    + ROW_SUM_TOLERANCE + "), found a sum of " + sum
                    + " (logits? pass them to acceptLogits)");
        }
    }

    private String where(int batchRow) {
        return "sample " + (nextSampleIndex() + batchRow) + " (row " + batchRow + " of the batch)";
    }
}
