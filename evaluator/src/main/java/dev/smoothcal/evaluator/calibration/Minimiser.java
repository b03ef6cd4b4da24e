package dev.smoothcal.evaluator.calibration;

import java.util.Arrays;
import org.apache.commons.math3.optim.ConvergenceChecker;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;

/**
 * Minimises a smooth objective with an analytic gradient by Commons Math's Polak-Ribière nonlinear
 * conjugate gradient (Brent line search). Stops when the largest gradient component is below
 * {@value #GRADIENT_TOLERANCE}, when an iteration lowers the objective by at most
 * {@value #VALUE_TOLERANCE} times {@code max(1, |f|)}, or after the iteration limit.
 */
final class Minimiser {
    static final double GRADIENT_TOLERANCE = 1e-9;
    static final double VALUE_TOLERANCE = 1e-15;

    /** A function with its gradient, computed in one pass. */
    interface Objective {
        /**
         * @param theta the point
         * @param gradient filled with the gradient at {@code theta}
         * @return the value at {@code theta}
         */
        double valueAndGradient(double[] theta, double[] gradient);
    }

    /** The minimiser found, its value, the iterations run and whether a convergence test was met. */
    record Result(double[] point, double value, int iterations, boolean converged) {
    }

    private Minimiser() {
    }

    static Result minimise(Objective objective, double[] start, int maxIterations) {
        Cache cache = new Cache(objective, start.length);
        boolean[] limited = {false};
        ConvergenceChecker<PointValuePair> checker = (iteration, previous, current) -> {
            if (iteration >= maxIterations) {
                limited[0] = true;
                return true;
            }
            double largest = 0;
            for (double g : cache.gradient(current.getPoint())) {
                largest = Math.max(largest, Math.abs(g));
            }
            double drop = previous.getValue() - current.getValue();
            return largest < GRADIENT_TOLERANCE
                    || (drop >= 0 && drop <= VALUE_TOLERANCE * Math.max(1.0, Math.abs(current.getValue())));
        };
        NonLinearConjugateGradientOptimizer optimizer = new NonLinearConjugateGradientOptimizer(
                NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE, checker, 1e-10, 1e-14, 1e-2);
        PointValuePair best = optimizer.optimize(new MaxEval(Integer.MAX_VALUE), MaxIter.unlimited(),
                new ObjectiveFunction(cache::value), new ObjectiveFunctionGradient(cache::gradient),
                GoalType.MINIMIZE, new InitialGuess(start));
        return new Result(best.getPoint(), best.getValue(), optimizer.getIterations(), !limited[0]);
    }

    /** Remembers the last point, so a value and a gradient at the same point cost one pass. */
    private static final class Cache {
        private final Objective objective;
        private double[] point;
        private double value;
        private final double[] gradient;

        Cache(Objective objective, int dimension) {
            this.objective = objective;
            this.gradient = new double[dimension];
        }

        double value(double[] theta) {
            update(theta);
            return value;
        }

        double[] gradient(double[] theta) {
            update(theta);
            return gradient.clone();
        }

        private void update(double[] theta) {
            if (point == null || !Arrays.equals(point, theta)) {
                point = theta.clone();
                value = objective.valueAndGradient(point, gradient);
            }
        }
    }
}
