package dev.smoothcal.evaluator.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smoothcal.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isotonic regression and Platt scaling against scikit-learn on the same data, where Debian's
 * python3-sklearn is installed (skipped visibly otherwise): {@code IsotonicRegression(out_of_bounds="clip")}
 * per class with the renormalisation of {@code CalibratedClassifierCV}, and the private but long-stable
 * {@code sklearn.calibration._sigmoid_calibration} that {@code CalibratedClassifierCV(method="sigmoid")}
 * fits, whose (A, B) are our (-slope, -intercept).
 */
class ScikitLearnReferenceTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    @BeforeEach
    void scikitLearnInstalled() throws Exception {
        boolean python = Files.isExecutable(PYTHON);
        boolean sklearn = python && new ProcessBuilder(PYTHON.toString(), "-c", "import sklearn.isotonic")
                .directory(tmp.toFile()).start().waitFor() == 0;
        if (!sklearn) {
            String reason = "Debian's python3-sklearn is not installed (apt-get install python3-sklearn): "
                    + "scikit-learn comparison skipped";
            System.out.println("SKIPPED " + ScikitLearnReferenceTest.class.getSimpleName() + ": " + reason);
            assumeTrue(false, reason);
        }
    }

    @Test
    void isotonicMatchesScikitLearn() throws Exception {
        int k = 3;
        int n = 1500;
        float[] fit = logits(n, k, 1);
        int[] labels = labels(fit, n, k, 2);
        IsotonicCalibration iso = (IsotonicCalibration) CalibrationMethod.ISOTONIC.fit(
                new CalibrationData(fit, labels, k), CalibrationSettings.DEFAULTS).calibrator();
        int m = 400;
        float[] eval = logits(m, k, 3);
        // The scores as the calibrator sees them: rounded to float32 (see IsotonicCalibration).
        double[] qFit = IsotonicCalibration.rounded(Rows.softmax(Rows.widen(fit, n * k), n, k));
        double[] qEval = IsotonicCalibration.rounded(Rows.softmax(Rows.widen(eval, m * k), m, k));
        Path fitCsv = csv("fit.csv", qFit, labels, n, k);
        Path evalCsv = csv("eval.csv", qEval, new int[m], m, k);
        JsonNode out = python("import sys, json, numpy as np\n"
                + "from sklearn.isotonic import IsotonicRegression\n"
                + "f = np.loadtxt(sys.argv[1], delimiter=','); e = np.loadtxt(sys.argv[2], delimiter=',')\n"
                + "k = f.shape[1] - 1; y = f[:, k].astype(int)\n"
                + "raw = np.column_stack([IsotonicRegression(out_of_bounds='clip').fit(f[:, c], y == c)"
                + ".predict(e[:, c]) for c in range(k)])\n"
                + "s = raw.sum(axis=1, keepdims=True)\n"
                + "p = np.divide(raw, s, out=np.full_like(raw, 1.0 / k), where=s != 0)\n"
                + "print(json.dumps({'raw': raw.tolist(), 'p': p.tolist()}))\n", fitCsv, evalCsv);
        PiecewiseMap map = iso.map();
        double[] p = iso.probabilities(eval, m);
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < k; c++) {
                assertEquals(out.get("raw").get(i).get(c).asDouble(), map.map(c, qEval[i * k + c]), 1e-12,
                        "per-class map, row " + i + ", class " + c);
                assertEquals(out.get("p").get(i).get(c).asDouble(), p[i * k + c], 1e-12,
                        "renormalised, row " + i + ", class " + c);
            }
        }
    }

    @Test
    void plattMatchesScikitLearnsSigmoidCalibration() throws Exception {
        int n = 2000;
        float[] z = logits(n, 2, 4);
        int[] labels = new int[n];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            double s = (double) z[2 * i + 1] - z[2 * i];
            labels[i] = rng.nextDouble() < 1 / (1 + Math.exp(-(0.7 * s + 0.3))) ? 1 : 0;
        }
        PlattScaling platt = (PlattScaling) CalibrationMethod.PLATT.fit(new CalibrationData(z, labels, 2),
                CalibrationSettings.DEFAULTS).calibrator();
        double[] margins = PlattScaling.margins(z, n);
        double[] rows = new double[2 * n];
        for (int i = 0; i < n; i++) {
            rows[2 * i] = margins[i];
        }
        Path data = csv("platt.csv", rows, labels, n, 2);
        JsonNode out = python("import sys, json, numpy as np\n"
                + "from sklearn.calibration import _sigmoid_calibration\n"
                + "d = np.loadtxt(sys.argv[1], delimiter=',')\n"
                + "a, b = _sigmoid_calibration(d[:, 0], d[:, 2].astype(int))\n"
                + "print(json.dumps({'a': float(a), 'b': float(b)}))\n", data);
        assertEquals(-out.get("a").asDouble(), platt.slope(), 1e-5, "slope = -A");
        assertEquals(-out.get("b").asDouble(), platt.intercept(), 1e-5, "intercept = -B");
    }

    private static float[] logits(int n, int k, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] z = new float[n * k];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (rng.nextGaussian() * 1.5);
        }
        return z;
    }

    private static int[] labels(float[] z, int n, int k, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] p = Rows.softmax(Rows.widen(z, n * k), n, k);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            // An over-confident model: labels drawn at temperature 2.
            double[] row = new double[k];
            double sum = 0;
            for (int c = 0; c < k; c++) {
                row[c] = Math.sqrt(p[i * k + c]);
                sum += row[c];
            }
            double u = rng.nextDouble() * sum;
            int y = k - 1;
            for (int c = 0; c < k; c++) {
                u -= row[c];
                if (u < 0) {
                    y = c;
                    break;
                }
            }
            labels[i] = y;
        }
        return labels;
    }

    private Path csv(String name, double[] values, int[] labels, int n, int k) throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                b.append(String.format(Locale.ROOT, "%.17g,", values[i * k + c]));
            }
            b.append(labels[i]).append('\n');
        }
        Path file = tmp.resolve(name);
        Files.writeString(file, b);
        return file;
    }

    private JsonNode python(String script, Path... files) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(PYTHON.toString(), "-c", script));
        for (Path f : files) {
            command.add(f.toString());
        }
        Process p = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), output);
        return Json.MAPPER.readTree(output.lines().reduce((a, b) -> b).orElse("{}"));
    }
}
