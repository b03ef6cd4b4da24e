package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.core.SmoothcalException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Picks the calibrator with the lowest NLL on held-out data: each candidate is fitted on a stratified
 * {@code 1 - heldOutFraction} of the fit split, scored by the mean NLL ({@code -ln(max(p_y, 1e-12))}) of
 * its probabilities on the rest, and the winner is refitted on the whole split. The split draws, per
 * class, a seeded shuffle (SplittableRandom) and holds out {@code round(fraction * n_class)} of it, as
 * the trainer's validation split does; a candidate that cannot take the data (Platt scaling for K != 2)
 * is refused, not skipped. Ties go to the earlier candidate.
 *
 * @param chosen the winner, refitted on the whole split
 * @param candidates the candidates, in the order given
 * @param heldOutNll each candidate's held-out NLL, in the same order
 * @param heldOutSamples images held out
 */
public record CalibrationSelection(FittedCalibrator chosen, List<CalibrationMethod> candidates,
        List<Double> heldOutNll, int heldOutSamples) {

    /**
     * Copies the lists.
     *
     * @param chosen the winner, refitted on the whole split
     * @param candidates the candidates, in the order given
     * @param heldOutNll each candidate's held-out NLL, in the same order
     * @param heldOutSamples images held out
     */
    public CalibrationSelection {
        candidates = List.copyOf(candidates);
        heldOutNll = List.copyOf(heldOutNll);
    }

    /**
     * Selects among {@code candidates} on a held-out part of {@code data}.
     *
     * @param data the fit split
     * @param candidates at least one method, each once
     * @param settings knobs of the methods
     * @param heldOutFraction share held out for scoring, in (0, 1)
     * @param seed seed of the split
     * @return the winner and every candidate's score
     * @throws SmoothcalException for no candidate, a fraction out of range or a part left empty
     */
    public static CalibrationSelection select(CalibrationData data, List<CalibrationMethod> candidates,
            CalibrationSettings settings, double heldOutFraction, long seed) {
        if (candidates == null || candidates.isEmpty()) {
            throw SmoothcalException.invalid("calibrators", "must name at least one candidate, found none");
        }
        if (!(heldOutFraction > 0 && heldOutFraction < 1)) {
            throw SmoothcalException.invalid("heldOutFraction", "must be in (0, 1), found " + heldOutFraction);
        }
        int n = data.size();
        int k = data.numClasses();
        boolean[] held = new boolean[n];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int c = 0; c < k; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (data.labels()[i] == c) {
                    members.add(i);
                }
            }
            int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
            for (int i = idx.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
            for (int i = 0; i < Math.round(heldOutFraction * idx.length); i++) {
                held[idx[i]] = true;
            }
        }
        CalibrationData[] parts = {part(data, held, false), part(data, held, true)};
        if (parts[0] == null || parts[1] == null) {
            throw SmoothcalException.invalid("heldOutFraction", heldOutFraction + " of " + n
                    + " samples leaves an empty part; expected both parts non-empty");
        }
        CalibrationData fit = parts[0];
        CalibrationData score = parts[1];
        List<Double> nll = new ArrayList<>();
        int best = 0;
        for (int m = 0; m < candidates.size(); m++) {
            Calibrator c = candidates.get(m).fit(fit, settings).calibrator();
            double value = Rows.meanNllOfProbabilities(c.probabilities(score.logits(), score.size()), score.labels(),
                    score.size(), k);
            nll.add(value);
            if (value < nll.get(best)) {
                best = m;
            }
        }
        return new CalibrationSelection(candidates.get(best).fit(data, settings), candidates, nll, score.size());
    }

    private static CalibrationData part(CalibrationData data, boolean[] held, boolean wanted) {
        int k = data.numClasses();
        int count = 0;
        for (boolean h : held) {
            count += h == wanted ? 1 : 0;
        }
        if (count == 0) {
            return null;
        }
        float[] logits = new float[count * k];
        int[] labels = new int[count];
        int r = 0;
        for (int i = 0; i < held.length; i++) {
            if (held[i] == wanted) {
                System.arraycopy(data.logits(), i * k, logits, r * k, k);
                labels[r++] = data.labels()[i];
            }
        }
        return new CalibrationData(logits, labels, k);
    }

    /**
     * The chosen method.
     *
     * @return the winner's method
     */
    public CalibrationMethod method() {
        return chosen.method();
    }
}
