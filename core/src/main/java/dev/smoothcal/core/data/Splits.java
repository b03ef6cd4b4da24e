package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic splits of a dataset. */
public final class Splits {
    private Splits() {
    }

    /**
     * A train/validation pair.
     *
     * @param train what remains for training
     * @param validation the held-out part
     */
    public record TrainValidation(Dataset train, Dataset validation) {
    }

    /**
     * Stratified hold-out: from each class, {@code round(fraction * n_class)} samples chosen by a seeded
     * shuffle go to validation. Both parts keep the original sample order, so the result depends only
     * on the data, the fraction and the seed.
     *
     * @param data the dataset to split
     * @param fraction in (0, 1)
     * @param seed the shuffle seed
     * @return the training part and the validation part
     */
    public static TrainValidation stratified(Dataset data, double fraction, long seed) {
        TrainValidationIndices idx = stratifiedIndices(data, fraction, seed);
        return new TrainValidation(data.select(data.name() + "[train]", idx.train()),
                data.select(data.name() + "[validation]", idx.validation()));
    }

    /**
     * The sample indices of a train/validation pair, each part in the original sample order.
     *
     * @param train the indices that remain for training
     * @param validation the held-out indices
     */
    public record TrainValidationIndices(int[] train, int[] validation) {
    }

    /**
     * The sample indices {@link #stratified} takes for each part, for a caller that holds the parts in
     * its own storage instead of as float copies ({@code select} of these indices is that split).
     *
     * @param data the dataset to split
     * @param fraction in (0, 1)
     * @param seed the shuffle seed
     * @return the training indices and the validation indices, each ascending
     */
    public static TrainValidationIndices stratifiedIndices(Dataset data, double fraction, long seed) {
        if (!(fraction > 0.0 && fraction < 1.0)) {
            throw new SmoothcalException("validation fraction must be in (0, 1), found " + fraction);
        }
        int k = data.numClasses();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < data.size(); i++) {
            byClass.get(data.labels()[i]).add(i);
        }
        boolean[] held = new boolean[data.size()];
        SplittableRandom rng = new SplittableRandom(seed);
        for (List<Integer> members : byClass) {
            int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
            for (int i = idx.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
            int take = (int) Math.round(fraction * idx.length);
            for (int i = 0; i < take; i++) {
                held[idx[i]] = true;
            }
        }
        int nVal = 0;
        for (boolean h : held) {
            nVal += h ? 1 : 0;
        }
        if (nVal == 0 || nVal == data.size()) {
            throw new SmoothcalException("validation fraction " + fraction + " of " + data.size()
                    + " samples leaves an empty part; expected both parts non-empty");
        }
        int[] val = new int[nVal];
        int[] train = new int[data.size() - nVal];
        int v = 0;
        int t = 0;
        for (int i = 0; i < held.length; i++) {
            if (held[i]) {
                val[v++] = i;
            } else {
                train[t++] = i;
            }
        }
        return new TrainValidationIndices(train, val);
    }

    /**
     * Per-channel mean and population standard deviation (divisor n) of the pixel values, in double
     * precision, as {@code {mean[C], std[C]}}. A channel whose values are all equal has standard deviation
     * 0; it is reported as 1 so that dividing by it is always safe.
     *
     * @param data the dataset, at least one image
     * @return {@code {mean, std}}, each with one value per channel
     * @throws SmoothcalException if the dataset holds no images
     */
    public static double[][] channelMeanStd(Dataset data) {
        if (data.size() == 0) {
            throw new SmoothcalException("channel mean/std of " + data.name()
                    + ": expected at least one image, found none");
        }
        int c = data.shape().channels();
        double[] sum = new double[c];
        double[] sq = new double[c];
        float[] x = data.images();
        for (int i = 0; i < x.length; i++) {
            sum[i % c] += x[i];
        }
        long n = x.length / c;
        double[] mean = new double[c];
        for (int j = 0; j < c; j++) {
            mean[j] = sum[j] / n;
        }
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - mean[i % c];
            sq[i % c] += d * d;
        }
        double[] std = new double[c];
        for (int j = 0; j < c; j++) {
            std[j] = Math.sqrt(sq[j] / n);
            if (std[j] == 0.0) {
                std[j] = 1.0;
            }
        }
        return new double[][] {mean, std};
    }

}
