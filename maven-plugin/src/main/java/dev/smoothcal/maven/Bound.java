package dev.smoothcal.maven;

import dev.smoothcal.core.SmoothcalException;
import java.util.ArrayList;
import java.util.List;

/**
 * The typed form of rules in a pom, for those who prefer it to escaping {@code <} in XML:
 * {@code <bound><metric>ece</metric><atMost>0.05</atMost></bound>} reads as {@code ece <= 0.05}. Give
 * {@code atMost}, {@code atLeast} or both.
 */
public class Bound {
    /** A metric name as rules spell it ({@code accuracy}, {@code ece}, {@code accuracy.lower}, ...). */
    String metric;
    /** The largest value accepted, or null. */
    Double atMost;
    /** The least value accepted, or null. */
    Double atLeast;

    /** The rules this bound stands for. */
    List<String> rules() {
        if (metric == null || metric.isBlank() || (atMost == null && atLeast == null)) {
            throw SmoothcalException.invalid("bounds", "entries need a <metric> and <atMost> or <atLeast>, found "
                    + "metric " + metric + ", atMost " + atMost + ", atLeast " + atLeast);
        }
        List<String> rules = new ArrayList<>();
        if (atLeast != null) {
            rules.add(metric + " >= " + atLeast);
        }
        if (atMost != null) {
            rules.add(metric + " <= " + atMost);
        }
        return rules;
    }
}
