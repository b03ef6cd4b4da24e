package dev.smoothcal.core.smoothing;

import dev.smoothcal.core.SmoothcalException;

/**
 * Label smoothing and the smoothed cross-entropy in double precision: the reference that the
 * TensorFlow and ONNX Runtime paths are checked against.
 *
 * <p>Per sample, {@code loss_i = -sum_k t_ik * log_softmax(z_i)_k} with {@code t_i} the smoothed
 * target (see {@link SmoothingConvention}); the batch loss is the mean over samples. Log-softmax is
 * computed as {@code z_k - max(z) - log(sum_j exp(z_j - max(z)))}, so large logits do not overflow.
 *
 * @param alpha smoothing factor {@code a}, in {@code [0, 1)}
 * @param convention how the mass {@code a} is spread
 */
public record LabelSmoothing(double alpha, SmoothingConvention convention) {

    /** No smoothing. */
    public static final LabelSmoothing NONE = new LabelSmoothing(0.0, SmoothingConvention.UNIFORM);

    /**
     * Checks the factor and the convention.
     *
     * @param alpha smoothing factor {@code a}, in {@code [0, 1)}
     * @param convention how the mass {@code a} is spread
     * @throws SmoothcalException if {@code alpha} is outside {@code [0, 1)} or the convention is null
     */
    public LabelSmoothing {
        if (!(alpha >= 0.0 && alpha < 1.0)) {
            throw SmoothcalException.invalid("labelSmoothing", "must be in [0, 1), found " + alpha);
        }
        if (convention == null) {
            throw SmoothcalException.invalid("smoothingConvention", "must be uniform or other-classes, found none");
        }
    }

    /**
     * Keras convention with factor {@code alpha}.
     *
     * @param alpha the factor, in {@code [0, 1)}
     * @return the smoothing whose target is {@code t = (1 - alpha) * y + alpha / K}
     */
    public static LabelSmoothing uniform(double alpha) {
        return new LabelSmoothing(alpha, SmoothingConvention.UNIFORM);
    }

    /**
     * The smoothed target for a (possibly soft) label distribution {@code y} over K classes.
     *
     * @param y a distribution over the K classes (one-hot for a hard label)
     * @return the K target values; they add up to the sum of {@code y}
     * @throws SmoothcalException for the other-classes convention with K below 2
     */
    public double[] smooth(double[] y) {
        int k = y.length;
        double[] t = new double[k];
        switch (convention) {
            case UNIFORM -> {
                for (int j = 0; j < k; j++) {
                    t[j] = (1.0 - alpha) * y[j] + alpha / k;
                }
            }
            case OTHER_CLASSES -> {
                if (k < 2) {
                    throw new SmoothcalException("other-classes smoothing needs at least 2 classes, found " + k);
                }
                for (int j = 0; j < k; j++) {
                    t[j] = (1.0 - alpha) * y[j] + alpha * (1.0 - y[j]) / (k - 1);
                }
            }
        }
        return t;
    }

    /**
     * The smoothed target of a hard label.
     *
     * @param label the class, in {@code [0, numClasses)}
     * @param numClasses K
     * @return the K target values
     */
    public double[] smooth(int label, int numClasses) {
        if (label < 0 || label >= numClasses) {
            throw new SmoothcalException("label must be in [0, " + numClasses + "), found " + label);
        }
        double[] y = new double[numClasses];
        y[label] = 1.0;
        return smooth(y);
    }

    /**
     * Mean smoothed cross-entropy of hard labels.
     *
     * @param logits one row of K logits per sample
     * @param labels one class per row
     * @return the mean over the rows of {@link #crossEntropy} against each smoothed target
     */
    public double loss(double[][] logits, int[] labels) {
        checkBatch(logits.length, labels.length);
        double sum = 0.0;
        for (int i = 0; i < logits.length; i++) {
            sum += crossEntropy(logits[i], smooth(labels[i], logits[i].length));
        }
        return sum / logits.length;
    }

    /**
     * Mean smoothed cross-entropy of soft label distributions (for example Mixup/CutMix targets).
     *
     * @param logits one row of K logits per sample
     * @param softLabels one distribution over the K classes per row
     * @return the mean over the rows of {@link #crossEntropy} against each smoothed target
     */
    public double loss(double[][] logits, double[][] softLabels) {
        checkBatch(logits.length, softLabels.length);
        double sum = 0.0;
        for (int i = 0; i < logits.length; i++) {
            if (softLabels[i].length != logits[i].length) {
                throw new SmoothcalException("sample " + i + ": expected " + logits[i].length
                        + " label probabilities (one per logit), found " + softLabels[i].length);
            }
            sum += crossEntropy(logits[i], smooth(softLabels[i]));
        }
        return sum / logits.length;
    }

    private static void checkBatch(int logits, int labels) {
        if (logits == 0) {
            throw new SmoothcalException("loss of an empty batch is undefined: expected at least one sample");
        }
        if (logits != labels) {
            throw new SmoothcalException("expected one label per logit row (" + logits + "), found " + labels);
        }
    }

    /**
     * {@code -sum_k target_k * log_softmax(logits)_k}, unsmoothed, in double precision.
     *
     * @param logits K logits
     * @param target K target weights
     * @return the cross-entropy, in nats
     */
    public static double crossEntropy(double[] logits, double[] target) {
        double[] logp = logSoftmax(logits);
        double ce = 0.0;
        for (int k = 0; k < logits.length; k++) {
            if (target[k] != 0.0) {
                ce -= target[k] * logp[k];
            }
        }
        return ce;
    }

    /**
     * Numerically stable log-softmax.
     *
     * @param z K logits
     * @return {@code z_k - max(z) - log(sum_j exp(z_j - max(z)))} for each k
     */
    public static double[] logSoftmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0.0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double logSum = max + Math.log(sum);
        double[] out = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            out[k] = z[k] - logSum;
        }
        return out;
    }

    /**
     * Softmax through {@link #logSoftmax}.
     *
     * @param z K logits
     * @return K probabilities adding up to 1
     */
    public static double[] softmax(double[] z) {
        double[] p = logSoftmax(z);
        for (int k = 0; k < p.length; k++) {
            p[k] = Math.exp(p[k]);
        }
        return p;
    }
}
