package dev.smoothcal.trainer.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.smoothing.LabelSmoothing;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import dev.smoothcal.trainer.augment.FillMode;
import dev.smoothcal.trainer.augment.FlipMode;
import dev.smoothcal.trainer.augment.MixConfig;
import dev.smoothcal.trainer.augment.MixMode;
import dev.smoothcal.trainer.augment.ShiftFlipConfig;
import dev.smoothcal.trainer.graph.NormalizationMode;
import dev.smoothcal.trainer.loss.SmoothingMethod;
import dev.smoothcal.trainer.optim.LearningRateSchedule;
import dev.smoothcal.trainer.optim.OptimizerConfig;
import dev.smoothcal.trainer.optim.OptimizerKind;
import dev.smoothcal.trainer.optim.ScheduleKind;

/**
 * How to train: an immutable, validated configuration, built with named setters from Keras/timm-style
 * defaults (the command line's defaults):
 *
 * <pre>{@code
 * TrainingConfig config = TrainingConfig.builder().epochs(10).batchSize(64).labelSmoothing(0.1).seed(7).build();
 * TrainingConfig longer = config.withEpochs(20);
 * }</pre>
 *
 * <table>
 * <caption>Defaults</caption>
 * <tr><th>parameter</th><th>default</th></tr>
 * <tr><td>epochs</td><td>10, in [1, 10000]</td></tr>
 * <tr><td>batchSize</td><td>64, in [1, 65536]</td></tr>
 * <tr><td>optimizer, learningRate, momentum, weightDecay</td><td>Adam (Keras betas and epsilon), 1e-3, 0.9
 *     (SGD only), 0</td></tr>
 * <tr><td>schedule, stepEvery, stepFactor, polyPower, warmupEpochs</td><td>constant, 10, 0.1, 1.0, 0</td></tr>
 * <tr><td>labelSmoothing, smoothingConvention, smoothingMethod</td><td>0.1, uniform ({@code t = (1 - a) y + a / K}),
 *     loss</td></tr>
 * <tr><td>mixupAlpha, cutmixAlpha, mixProbability, switchProbability, mixMode, cutmixMinmax</td><td>0 (off),
 *     0 (off), 1, 0.5, batch, unset (box area from Beta(cutmixAlpha))</td></tr>
 * <tr><td>shift, flip</td><td>0 (off), none; uncovered pixels are filled with zeros</td></tr>
 * <tr><td>normalization</td><td>channel: per-channel mean and std of the training split, baked into the
 *     graphs (mean-image: the training split's mean image subtracted)</td></tr>
 * <tr><td>seed</td><td>42: initialisation, shuffling, the validation split and in-graph randomness</td></tr>
 * <tr><td>validationFraction</td><td>0.1, in (0, 0.5]: stratified share of the training data held out</td></tr>
 * <tr><td>monitor, patience</td><td>val_loss (chooses the exported epoch), 0 (no early stopping)</td></tr>
 * <tr><td>device</td><td>auto</td></tr>
 * </table>
 *
 * <p>It holds no data and no model: those are typed arguments of
 * {@link dev.smoothcal.trainer.run.TrainingRun#fit}. It is written into {@code run.json} (key
 * {@code config}) and reads back equal. An invalid value is refused by {@link Builder#build()} with a
 * {@link SmoothcalException} naming the parameter, for example "epochs must be in [1, 10000], found 0".
 */
public final class TrainingConfig {
    private final Values values;

    private TrainingConfig(Values values) {
        this.values = values;
    }

    /**
     * A builder holding every default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The defaults, unchanged.
     *
     * @return {@code builder().build()}
     */
    public static TrainingConfig defaults() {
        return builder().build();
    }

    /**
     * A builder holding this configuration's values, to change some of them.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder().epochs(epochs()).batchSize(batchSize()).optimizer(optimizer()).schedule(schedule())
                .labelSmoothing(labelSmoothing()).mix(mix()).shiftFlip(shiftFlip()).seed(seed())
                .validationFraction(validationFraction()).monitor(monitor()).patience(patience()).device(device())
                .smoothingMethod(smoothingMethod()).normalization(normalization());
    }

    /**
     * This configuration with another number of epochs.
     *
     * @param epochs passes over the training data, in [1, 10000]
     * @return the changed configuration
     */
    public TrainingConfig withEpochs(int epochs) {
        return toBuilder().epochs(epochs).build();
    }

    /**
     * This configuration with another patience.
     *
     * @param patience epochs without improvement before stopping, at least 0 (0 = never stop early)
     * @return the changed configuration
     */
    public TrainingConfig withPatience(int patience) {
        return toBuilder().patience(patience).build();
    }

    /**
     * This configuration with another seed.
     *
     * @param seed the new seed
     * @return the changed configuration
     */
    public TrainingConfig withSeed(long seed) {
        return toBuilder().seed(seed).build();
    }

    /**
     * This configuration with other Mixup/CutMix settings.
     *
     * @param mix the new settings
     * @return the changed configuration
     */
    public TrainingConfig withMix(MixConfig mix) {
        return toBuilder().mix(mix).build();
    }

    /**
     * Passes over the training data.
     *
     * @return epochs, in [1, 10000]
     */
    public int epochs() {
        return values.epochs();
    }

    /**
     * Images per optimizer step (the last batch of an epoch may be smaller).
     *
     * @return batch size, in [1, 65536]
     */
    public int batchSize() {
        return values.batchSize();
    }

    /**
     * The update rule, base learning rate, momentum and weight decay.
     *
     * @return the optimizer settings
     */
    public OptimizerConfig optimizer() {
        return values.optimizer();
    }

    /**
     * The learning-rate schedule.
     *
     * @return the schedule
     */
    public LearningRateSchedule schedule() {
        return values.schedule();
    }

    /**
     * Smoothing factor and convention, applied once, in the loss.
     *
     * @return the label smoothing
     */
    public LabelSmoothing labelSmoothing() {
        return values.labelSmoothing();
    }

    /**
     * Where training applies the label smoothing: in the loss (default) or to the labels before a loss with
     * {@code a = 0}; the same loss either way.
     *
     * @return the method
     */
    public SmoothingMethod smoothingMethod() {
        return values.smoothingMethod();
    }

    /**
     * The input normalisation fitted on the training split (never the validation split) and baked into the
     * TensorFlow graph and the exported ONNX graph as constants.
     *
     * @return the normalisation mode
     */
    public NormalizationMode normalization() {
        return values.normalization();
    }

    /**
     * In-graph Mixup/CutMix of images and (unsmoothed) labels.
     *
     * @return the mixing settings
     */
    public MixConfig mix() {
        return values.mix();
    }

    /**
     * In-graph random shifts and flips, applied before mixing.
     *
     * @return the shift/flip settings
     */
    public ShiftFlipConfig shiftFlip() {
        return values.shiftFlip();
    }

    /**
     * The seed of weight initialisation, shuffling, the validation split and in-graph randomness.
     *
     * @return the seed
     */
    public long seed() {
        return values.seed();
    }

    /**
     * Share of the training data held out (stratified) for validation.
     *
     * @return the fraction, in (0, 0.5]
     */
    public double validationFraction() {
        return values.validationFraction();
    }

    /**
     * The validation metric that selects the exported (best) epoch and drives early stopping.
     *
     * @return the monitor
     */
    public Monitor monitor() {
        return values.monitor();
    }

    /**
     * Epochs without improvement of {@link #monitor()} after which training stops.
     *
     * @return patience, at least 0; 0 = never stop early
     */
    public int patience() {
        return values.patience();
    }

    /**
     * Where the training graph runs.
     *
     * @return the device
     */
    public Device device() {
        return values.device();
    }

    /** The JSON form: the values, nested as the component records serialise. */
    @JsonValue
    Values values() {
        return values;
    }

    /** Reads the JSON form, validating every value. */
    @JsonCreator
    static TrainingConfig of(Values values) {
        return new TrainingConfig(values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingConfig other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "TrainingConfig" + values.toString().substring("Values".length());
    }

    /**
     * The stored values: the shape of {@code run.json}'s {@code config}. Not public, so that the public
     * API has no positional constructor.
     */
    record Values(int epochs, int batchSize, OptimizerConfig optimizer, LearningRateSchedule schedule,
            LabelSmoothing labelSmoothing, MixConfig mix, ShiftFlipConfig shiftFlip, long seed,
            double validationFraction, Monitor monitor, int patience, Device device, SmoothingMethod smoothingMethod,
            NormalizationMode normalization) {
        Values {
            if (smoothingMethod == null) {
                smoothingMethod = SmoothingMethod.LOSS; // run.json written before the setting existed
            }
            if (normalization == null) {
                normalization = NormalizationMode.CHANNEL; // likewise
            }
            if (epochs < 1 || epochs > 10_000) {
                throw SmoothcalException.invalid("epochs", "must be in [1, 10000], found " + epochs);
            }
            if (batchSize < 1 || batchSize > 65_536) {
                throw SmoothcalException.invalid("batchSize", "must be in [1, 65536], found " + batchSize);
            }
            requireSet("optimizer", optimizer);
            requireSet("schedule", schedule);
            requireSet("labelSmoothing", labelSmoothing);
            requireSet("mix", mix);
            requireSet("shiftFlip", shiftFlip);
            requireSet("monitor", monitor);
            requireSet("device", device);
            if (!(validationFraction > 0.0 && validationFraction <= 0.5)) {
                throw SmoothcalException.invalid("validationFraction", "must be in (0, 0.5], found "
                        + validationFraction);
            }
            if (patience < 0) {
                throw SmoothcalException.invalid("patience", "must be at least 0 (0 = no early stopping), found "
                        + patience);
            }
        }

        private static void requireSet(String parameter, Object value) {
            if (value == null) {
                throw SmoothcalException.invalid(parameter, "must be set, found none");
            }
        }
    }

    /**
     * Collects values by name; {@link #build()} validates them. Setters return the builder; a builder is
     * not thread-safe and may build several configurations.
     */
    public static final class Builder {
        private int epochs = 10;
        private int batchSize = 64;
        private OptimizerKind optimizer = OptimizerKind.ADAM;
        private double learningRate = 1e-3;
        private double momentum = 0.9;
        private double weightDecay = 0.0;
        private ScheduleKind schedule = ScheduleKind.CONSTANT;
        private int stepEvery = 10;
        private double stepFactor = 0.1;
        private double polyPower = 1.0;
        private double warmupEpochs = 0.0;
        private double labelSmoothing = 0.1;
        private SmoothingConvention smoothingConvention = SmoothingConvention.UNIFORM;
        private double mixupAlpha = 0.0;
        private double cutmixAlpha = 0.0;
        private double mixProbability = 1.0;
        private double switchProbability = 0.5;
        private MixMode mixMode = MixMode.BATCH;
        private double cutmixMin = 0.0;
        private double cutmixMax = 0.0;
        private NormalizationMode normalization = NormalizationMode.CHANNEL;
        private double heightShift = 0.0;
        private double widthShift = 0.0;
        private FlipMode flip = FlipMode.NONE;
        private FillMode fill = FillMode.ZERO;
        private long seed = 42;
        private double validationFraction = 0.1;
        private Monitor monitor = Monitor.VAL_LOSS;
        private int patience = 0;
        private Device device = Device.AUTO;
        private SmoothingMethod smoothingMethod = SmoothingMethod.LOSS;

        private Builder() {
        }

        /**
         * Sets the number of passes over the training data.
         *
         * @param epochs in [1, 10000]; default 10
         * @return this builder
         */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the images per step.
         *
         * @param batchSize in [1, 65536]; default 64
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the update rule.
         *
         * @param optimizer Adam (default) or SGD with momentum
         * @return this builder
         */
        public Builder optimizer(OptimizerKind optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /**
         * Sets the update rule, learning rate, momentum and weight decay at once.
         *
         * @param config the optimizer settings
         * @return this builder
         */
        public Builder optimizer(OptimizerConfig config) {
            return optimizer(config.kind()).learningRate(config.learningRate()).momentum(config.momentum())
                    .weightDecay(config.weightDecay());
        }

        /**
         * Sets the base learning rate.
         *
         * @param learningRate in (0, 1]; default 1e-3
         * @return this builder
         */
        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Sets the SGD momentum (ignored by Adam).
         *
         * @param momentum in [0, 1); default 0.9
         * @return this builder
         */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /**
         * Sets the L2 penalty {@code lambda * sum(w^2)} on kernels, as Keras {@code l2(lambda)}.
         *
         * @param weightDecay lambda, in [0, 1); default 0
         * @return this builder
         */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Sets the shape of the learning-rate schedule (see {@link LearningRateSchedule} for the formulas).
         *
         * @param schedule default constant
         * @return this builder
         */
        public Builder schedule(ScheduleKind schedule) {
            this.schedule = schedule;
            return this;
        }

        /**
         * Sets the whole learning-rate schedule at once.
         *
         * @param config the schedule
         * @return this builder
         */
        public Builder schedule(LearningRateSchedule config) {
            return schedule(config.kind()).stepEvery(config.every()).stepFactor(config.factor())
                    .polyPower(config.power()).warmupEpochs(config.warmupEpochs());
        }

        /**
         * Sets the epochs between drops of the step schedule.
         *
         * @param stepEvery at least 1; default 10
         * @return this builder
         */
        public Builder stepEvery(int stepEvery) {
            this.stepEvery = stepEvery;
            return this;
        }

        /**
         * Sets the factor per drop of the step schedule.
         *
         * @param stepFactor in (0, 1]; default 0.1
         * @return this builder
         */
        public Builder stepFactor(double stepFactor) {
            this.stepFactor = stepFactor;
            return this;
        }

        /**
         * Sets the power of the polynomial schedule.
         *
         * @param polyPower positive; default 1.0 (linear decay)
         * @return this builder
         */
        public Builder polyPower(double polyPower) {
            this.polyPower = polyPower;
            return this;
        }

        /**
         * Sets the linear warm-up of the cosine schedule.
         *
         * @param warmupEpochs at least 0; default 0
         * @return this builder
         */
        public Builder warmupEpochs(double warmupEpochs) {
            this.warmupEpochs = warmupEpochs;
            return this;
        }

        /**
         * Sets the label smoothing factor.
         *
         * @param labelSmoothing a, in [0, 1); default 0.1
         * @return this builder
         */
        public Builder labelSmoothing(double labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        /**
         * Sets the label smoothing factor and convention at once.
         *
         * @param smoothing the label smoothing
         * @return this builder
         */
        public Builder labelSmoothing(LabelSmoothing smoothing) {
            return labelSmoothing(smoothing.alpha()).smoothingConvention(smoothing.convention());
        }

        /**
         * Sets where training smooths the labels: in the loss, or explicitly before a loss with {@code a = 0}.
         *
         * @param smoothingMethod default loss
         * @return this builder
         */
        public Builder smoothingMethod(SmoothingMethod smoothingMethod) {
            this.smoothingMethod = smoothingMethod;
            return this;
        }

        /**
         * Sets how the smoothing mass is spread.
         *
         * @param smoothingConvention default uniform
         * @return this builder
         */
        public Builder smoothingConvention(SmoothingConvention smoothingConvention) {
            this.smoothingConvention = smoothingConvention;
            return this;
        }

        /**
         * Sets Mixup's alpha: {@code lam ~ Beta(alpha, alpha)}.
         *
         * @param mixupAlpha finite, at least 0; default 0 (off)
         * @return this builder
         */
        public Builder mixupAlpha(double mixupAlpha) {
            this.mixupAlpha = mixupAlpha;
            return this;
        }

        /**
         * Sets CutMix's alpha: the box area from {@code lam ~ Beta(alpha, alpha)}.
         *
         * @param cutmixAlpha finite, at least 0; default 0 (off)
         * @return this builder
         */
        public Builder cutmixAlpha(double cutmixAlpha) {
            this.cutmixAlpha = cutmixAlpha;
            return this;
        }

        /**
         * Sets the chance of mixing a batch (or sample) at all.
         *
         * @param mixProbability in [0, 1]; default 1
         * @return this builder
         */
        public Builder mixProbability(double mixProbability) {
            this.mixProbability = mixProbability;
            return this;
        }

        /**
         * Sets the chance of CutMix rather than Mixup when both are on.
         *
         * @param switchProbability in [0, 1]; default 0.5
         * @return this builder
         */
        public Builder switchProbability(double switchProbability) {
            this.switchProbability = switchProbability;
            return this;
        }

        /**
         * Sets whether one mixing draw is made per batch or per sample.
         *
         * @param mixMode default batch
         * @return this builder
         */
        public Builder mixMode(MixMode mixMode) {
            this.mixMode = mixMode;
            return this;
        }

        /**
         * Sets CutMix boxes whose height and width are independent {@code U(min, max)} fractions of the
         * image's (timm's {@code cutmix_minmax}); turns CutMix on, and its alpha no longer shapes the box.
         *
         * @param min smallest side fraction, {@code 0 < min < max}
         * @param max largest side fraction, at most 1; {@code (0, 0)} unsets (the default)
         * @return this builder
         */
        public Builder cutmixMinmax(double min, double max) {
            this.cutmixMin = min;
            this.cutmixMax = max;
            return this;
        }

        /**
         * Sets every Mixup/CutMix setting at once.
         *
         * @param mix the settings
         * @return this builder
         */
        public Builder mix(MixConfig mix) {
            return mixupAlpha(mix.mixupAlpha()).cutmixAlpha(mix.cutmixAlpha()).mixProbability(mix.probability())
                    .switchProbability(mix.switchProbability()).mixMode(mix.mode())
                    .cutmixMinmax(mix.cutmixMin(), mix.cutmixMax());
        }

        /**
         * Sets the input normalisation, fitted on the training split and baked into both exported graphs.
         *
         * @param normalization default channel (per-channel mean and std); mean-image subtracts the mean image
         * @return this builder
         */
        public Builder normalization(NormalizationMode normalization) {
            this.normalization = normalization;
            return this;
        }

        /**
         * Sets the largest random shift, as a fraction of height and of width.
         *
         * @param shift in [0, 1); default 0 (off)
         * @return this builder
         */
        public Builder shift(double shift) {
            this.heightShift = shift;
            this.widthShift = shift;
            return this;
        }

        /**
         * Sets the random flips.
         *
         * @param flip default none
         * @return this builder
         */
        public Builder flip(FlipMode flip) {
            this.flip = flip;
            return this;
        }

        /**
         * Sets what a shift puts into the pixels it uncovers.
         *
         * @param fill default zero (Keras {@code fill_mode="constant"}); nearest as Keras {@code fill_mode="nearest"}
         * @return this builder
         */
        public Builder fill(FillMode fill) {
            this.fill = fill;
            return this;
        }

        /**
         * Sets every shift/flip setting at once (height and width shifts apart, and the fill).
         *
         * @param shiftFlip the settings
         * @return this builder
         */
        public Builder shiftFlip(ShiftFlipConfig shiftFlip) {
            this.heightShift = shiftFlip.heightShift();
            this.widthShift = shiftFlip.widthShift();
            this.flip = shiftFlip.flip();
            this.fill = shiftFlip.fill();
            return this;
        }

        /**
         * Sets the seed.
         *
         * @param seed default 42
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the share of the training data held out for validation.
         *
         * @param validationFraction in (0, 0.5]; default 0.1
         * @return this builder
         */
        public Builder validationFraction(double validationFraction) {
            this.validationFraction = validationFraction;
            return this;
        }

        /**
         * Sets the validation metric choosing the exported epoch and driving early stopping.
         *
         * @param monitor default val_loss
         * @return this builder
         */
        public Builder monitor(Monitor monitor) {
            this.monitor = monitor;
            return this;
        }

        /**
         * Sets the early-stopping patience.
         *
         * @param patience at least 0; default 0 (never stop early)
         * @return this builder
         */
        public Builder patience(int patience) {
            this.patience = patience;
            return this;
        }

        /**
         * Sets where the training graph runs.
         *
         * @param device default auto
         * @return this builder
         */
        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        /**
         * Validates the values and builds the configuration.
         *
         * @return the configuration
         * @throws SmoothcalException naming the first invalid parameter, what it must be and what was found
         */
        public TrainingConfig build() {
            OptimizerConfig optimizerConfig = new OptimizerConfig(optimizer, learningRate, momentum, weightDecay);
            LearningRateSchedule scheduleConfig = new LearningRateSchedule(schedule, stepEvery, stepFactor, polyPower,
                    warmupEpochs);
            MixConfig mixConfig = new MixConfig(mixupAlpha, cutmixAlpha, mixProbability, switchProbability, mixMode,
                    cutmixMin, cutmixMax);
            if (heightShift == widthShift && !(heightShift >= 0 && heightShift < 1)) {
                // Set as one value by shift(double): named as such.
                throw SmoothcalException.invalid("shift", "must be in [0, 1), found " + heightShift);
            }
            ShiftFlipConfig shiftFlipConfig = new ShiftFlipConfig(heightShift, widthShift, flip, fill);
            LabelSmoothing smoothing = new LabelSmoothing(labelSmoothing, smoothingConvention);
            return new TrainingConfig(new Values(epochs, batchSize, optimizerConfig, scheduleConfig, smoothing,
                    mixConfig, shiftFlipConfig, seed, validationFraction, monitor, patience, device, smoothingMethod,
                    normalization));
        }
    }
}
