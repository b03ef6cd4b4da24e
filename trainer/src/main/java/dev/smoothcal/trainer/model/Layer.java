package dev.smoothcal.trainer.model;

import dev.smoothcal.core.SmoothcalException;

/**
 * One layer of a declarative model description. The final classification {@code Dense} layer with
 * one unit per class is appended by {@link ModelSpec#resolve} from the data, so descriptions do not
 * repeat the class count.
 */
public sealed interface Layer {

    /** Fully connected layer {@code y = x W + b}, kernel {@code [in, units]}, Glorot-uniform initialised. */
    record Dense(int units) implements Layer {
        public Dense {
            if (units < 1) {
                throw new SmoothcalException("Dense.units must be at least 1, found " + units);
            }
        }
    }

    /** {@code max(x, 0)}. */
    record Relu() implements Layer {
    }

    /** Reshapes {@code [N, H, W, C]} to {@code [N, H*W*C]} in row-major NHWC order. */
    record Flatten() implements Layer {
    }

    /** Inverted dropout with drop probability {@code rate} while training; identity at inference and export. */
    record Dropout(double rate) implements Layer {
        public Dropout {
            if (!(rate >= 0.0 && rate < 1.0)) {
                throw new SmoothcalException("Dropout.rate must be in [0, 1), found " + rate);
            }
        }
    }
}
