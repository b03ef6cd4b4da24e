package dev.smoothcal.evaluator.calibration;

import dev.smoothcal.onnx.Attribute;
import dev.smoothcal.onnx.OnnxGraphBuilder;
import java.util.List;

/**
 * K one-dimensional piecewise-linear maps applied to the K softmax probabilities, then renormalised: the
 * shared apply and export of histogram binning (constant pieces) and isotonic regression (linear
 * interpolation). For class k, x is clipped to {@code [low_k, high_k]}; its segment is the number of
 * knots strictly below it, {@code s = #{j : knot_kj < x}}; the value is
 * {@code value_ks + slope_ks (x - start_ks)}. The row is then divided by its sum, or made uniform when
 * the sum is 0.
 *
 * <p>ONNX: the segment is counted by {@code ReduceSum(Cast(Less(knots, Unsqueeze(x))))} over a
 * {@code [K, S-1]} knot table (shorter rows padded with the largest float, which is never below x), and
 * the three per-segment numbers are {@code Gather}ed from flat {@code [K*S]} tables at {@code s + k S}.
 */
final class PiecewiseMap {
    private final int k;
    private final double[] low;
    private final double[] high;
    private final double[][] knots;
    private final double[][] start;
    private final double[][] value;
    private final double[][] slope;

    PiecewiseMap(double[] low, double[] high, double[][] knots, double[][] start, double[][] value,
            double[][] slope) {
        this.k = low.length;
        this.low = low;
        this.high = high;
        this.knots = knots;
        this.start = start;
        this.value = value;
        this.slope = slope;
    }

    /** The map of class {@code c} at {@code x}, before renormalisation. */
    double map(int c, double x) {
        double clipped = Math.min(Math.max(x, low[c]), high[c]);
        int s = segment(c, clipped);
        return value[c][s] + slope[c][s] * (clipped - start[c][s]);
    }

    /** The segment of class {@code c} that {@code x} (already clipped) falls in: the knots strictly below it. */
    int segment(int c, double x) {
        int s = 0;
        for (double knot : knots[c]) {
            s += knot < x ? 1 : 0;
        }
        return s;
    }

    /** Maps every probability of {@code n} rows, then renormalises each row. */
    double[] apply(double[] p, int n) {
        double[] out = new double[n * k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                out[i * k + c] = map(c, p[i * k + c]);
            }
        }
        Rows.normalise(out, n, k);
        return out;
    }

    /** Writes {@code Softmax(logits)} through the maps and the renormalisation into {@code result}. */
    void write(OnnxGraphBuilder g, String logits, String result) {
        int segments = 2;
        for (double[] v : value) {
            segments = Math.max(segments, v.length);
        }
        float[] knotTable = new float[k * (segments - 1)];
        float[] startTable = new float[k * segments];
        float[] valueTable = new float[k * segments];
        float[] slopeTable = new float[k * segments];
        long[] offsets = new long[k];
        for (int c = 0; c < k; c++) {
            offsets[c] = (long) c * segments;
            for (int j = 0; j < segments - 1; j++) {
                knotTable[c * (segments - 1) + j] = j < knots[c].length ? (float) knots[c][j] : Float.MAX_VALUE;
            }
            for (int s = 0; s < segments; s++) {
                int from = Math.min(s, value[c].length - 1);
                startTable[c * segments + s] = (float) start[c][from];
                valueTable[c * segments + s] = (float) value[c][from];
                slopeTable[c * segments + s] = (float) slope[c][from];
            }
        }
        String p = result + "_probabilities";
        g.node("Softmax", List.of(logits), p, Attribute.ofInt("axis", 1));
        g.initializer(result + "_low", LinearMaps.floats(low), k);
        g.initializer(result + "_high", LinearMaps.floats(high), k);
        g.node("Max", List.of(p, result + "_low"), result + "_above_low");
        g.node("Min", List.of(result + "_above_low", result + "_high"), result + "_clipped");
        g.initializer(result + "_axis2", new long[] {2}, 1);
        g.node("Unsqueeze", List.of(result + "_clipped", result + "_axis2"), result + "_column");
        g.initializer(result + "_knots", knotTable, k, segments - 1);
        g.node("Less", List.of(result + "_knots", result + "_column"), result + "_below");
        g.node("Cast", List.of(result + "_below"), result + "_below_count", Attribute.ofInt("to", 7));
        g.node("ReduceSum", List.of(result + "_below_count", result + "_axis2"), result + "_segment",
                Attribute.ofInt("keepdims", 0));
        g.initializer(result + "_offsets", offsets, k);
        g.node("Add", List.of(result + "_segment", result + "_offsets"), result + "_index");
        g.initializer(result + "_starts", startTable, (long) k * segments);
        g.initializer(result + "_values", valueTable, (long) k * segments);
        g.initializer(result + "_slopes", slopeTable, (long) k * segments);
        g.node("Gather", List.of(result + "_starts", result + "_index"), result + "_start");
        g.node("Gather", List.of(result + "_values", result + "_index"), result + "_value");
        g.node("Gather", List.of(result + "_slopes", result + "_index"), result + "_slope");
        g.node("Sub", List.of(result + "_clipped", result + "_start"), result + "_offset");
        g.node("Mul", List.of(result + "_slope", result + "_offset"), result + "_rise");
        g.node("Add", List.of(result + "_value", result + "_rise"), result + "_mapped");
        g.initializer(result + "_axis1", new long[] {1}, 1);
        g.node("ReduceSum", List.of(result + "_mapped", result + "_axis1"), result + "_sum",
                Attribute.ofInt("keepdims", 1));
        g.initializer(result + "_zero", new float[] {0f});
        g.node("Greater", List.of(result + "_sum", result + "_zero"), result + "_positive");
        g.node("Div", List.of(result + "_mapped", result + "_sum"), result + "_normalised");
        g.initializer(result + "_uniform", new float[] {1f / k});
        g.node("Where", List.of(result + "_positive", result + "_normalised", result + "_uniform"), result);
    }
}
