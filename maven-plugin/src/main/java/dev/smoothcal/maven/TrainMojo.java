package dev.smoothcal.maven;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.io.OutputDirectory;
import dev.smoothcal.core.run.RunDirectory;
import dev.smoothcal.core.smoothing.SmoothingConvention;
import dev.smoothcal.trainer.augment.FlipMode;
import dev.smoothcal.trainer.augment.MixMode;
import dev.smoothcal.trainer.model.ModelSpec;
import dev.smoothcal.trainer.optim.OptimizerKind;
import dev.smoothcal.trainer.optim.ScheduleKind;
import dev.smoothcal.trainer.run.DatasetOrigin;
import dev.smoothcal.trainer.run.RunManifest;
import dev.smoothcal.trainer.run.RunOptions;
import dev.smoothcal.trainer.run.TrainingResult;
import dev.smoothcal.trainer.run.TrainingRun;
import dev.smoothcal.trainer.train.Device;
import dev.smoothcal.trainer.train.EpochRecord;
import dev.smoothcal.trainer.train.Monitor;
import dev.smoothcal.trainer.train.TrainingConfig;
import dev.smoothcal.trainer.train.TrainingListener;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Trains a classifier as {@code smoothcal train} does and writes the run directory ({@code run.json},
 * {@code history.csv}, {@code saved_model/}, {@code model.onnx}, {@code plots/}, {@code checkpoints/}) into
 * {@code target/smoothcal/run}. Every training parameter has the library's name and, when left out, the
 * library's default ({@link TrainingConfig}); the same values give the same run as the command line.
 *
 * <pre>{@code
 * <configuration>
 *   <data>digits</data>
 *   <model>mlp</model>
 *   <epochs>2</epochs>
 *   <labelSmoothing>0.1</labelSmoothing>
 * </configuration>
 * }</pre>
 *
 * <p>Bound by default to {@code process-classes}: after {@code compile}, so a module can train on what its
 * own build produced, and before {@code test}, so the module's JUnit tests (smoothcal-junit) can assert on
 * the model; not to a {@code generate-*} phase, which IDEs run when they import a project and which should
 * not start a training run. A run already in the folder that was trained from the same architecture,
 * configuration and data (run.json says so) is kept instead of trained again (runs are deterministic for a
 * seed); {@code alwaysTrain} turns that off.
 */
@Mojo(name = "train", defaultPhase = LifecyclePhase.PROCESS_CLASSES, threadSafe = true)
public class TrainMojo extends SmoothcalMojo {
    /** {@code digits} (built in) or a dataset path relative to the project; its training split is used. */
    @Parameter(property = "smoothcal.data", defaultValue = "digits")
    String data;

    /** A model preset ({@code mlp}, {@code cnn}, ...) or a JSON model file relative to the project. */
    @Parameter(property = "smoothcal.train.model", defaultValue = "mlp")
    String model;

    /** The run directory to write; same-named entries of an earlier run there are replaced. */
    @Parameter(property = "smoothcal.run", defaultValue = "${project.build.directory}/smoothcal/run")
    File outputDirectory;

    /** Passes over the training data, in [1, 10000]; default 10. */
    @Parameter(property = "smoothcal.epochs")
    Integer epochs;

    /** Images per step; default 64. */
    @Parameter(property = "smoothcal.batchSize")
    Integer batchSize;

    /** {@code adam} or {@code sgd}; default adam. */
    @Parameter
    String optimizer;

    /** Base learning rate; default 0.001. */
    @Parameter
    Double learningRate;

    /** SGD momentum; default 0.9. */
    @Parameter
    Double momentum;

    /** L2 penalty {@code lambda * sum(w^2)} on kernels; default 0. */
    @Parameter
    Double weightDecay;

    /** Learning-rate schedule: {@code constant}, {@code step}, {@code polynomial} or {@code cosine}; default constant. */
    @Parameter
    String schedule;

    /** Step schedule: epochs between drops; default 10. */
    @Parameter
    Integer stepEvery;

    /** Step schedule: factor per drop; default 0.1. */
    @Parameter
    Double stepFactor;

    /** Polynomial schedule: power; default 1. */
    @Parameter
    Double polyPower;

    /** Cosine schedule: linear warm-up epochs; default 0. */
    @Parameter
    Double warmupEpochs;

    /** Label smoothing factor in [0, 1); default 0.1. */
    @Parameter(property = "smoothcal.labelSmoothing")
    Double labelSmoothing;

    /** {@code uniform} ({@code t = (1 - a) y + a / K}) or {@code other-classes}; default uniform. */
    @Parameter
    String smoothingConvention;

    /** Mixup: {@code lam ~ Beta(alpha, alpha)}, 0 = off; default 0. */
    @Parameter
    Double mixupAlpha;

    /** CutMix: box area from {@code lam ~ Beta(alpha, alpha)}, 0 = off; default 0. */
    @Parameter
    Double cutmixAlpha;

    /** Chance of mixing a batch (or sample) at all; default 1. */
    @Parameter
    Double mixProbability;

    /** Chance of CutMix instead of Mixup when both are on; default 0.5. */
    @Parameter
    Double switchProbability;

    /** {@code batch} (one lam per batch) or {@code elem} (one per sample); default batch. */
    @Parameter
    String mixMode;

    /** Random shifts up to this fraction of height and width, 0 = off; default 0. */
    @Parameter
    Double shift;

    /** {@code none} or {@code horizontal} random flips; default none. */
    @Parameter
    String flip;

    /** Seed of initialisation, shuffling, the validation split and in-graph randomness; default 42. */
    @Parameter(property = "smoothcal.train.seed")
    Long seed;

    /** Share of the training split held out for validation, in (0, 0.5]; default 0.1. */
    @Parameter
    Double validationFraction;

    /** {@code val_loss}, {@code val_accuracy}, {@code val_nll} or {@code val_ece}: chooses the exported epoch; default val_loss. */
    @Parameter
    String monitor;

    /** Stop after this many epochs without improvement, 0 = never; default 0. */
    @Parameter
    Integer patience;

    /** {@code auto}, {@code cpu} or {@code gpu[:N]}; default auto. */
    @Parameter(property = "smoothcal.device")
    String device;

    /** Trains even when the run in {@link #outputDirectory} was trained from the same inputs. */
    @Parameter(property = "smoothcal.train.always", defaultValue = "false")
    boolean alwaysTrain;

    /** Skips this goal. */
    @Parameter(property = "smoothcal.train.skip", defaultValue = "false")
    boolean skipTrain;

    /** Creates the goal; Maven sets its parameters from the pom, the command line and the defaults above. */
    public TrainMojo() {
    }

    @Override
    String goal() {
        return "train";
    }

    @Override
    boolean skipGoal() {
        return skipTrain;
    }

    @Override
    void run() {
        TrainingConfig config = config();
        ModelSpec spec = ModelSpec.load(ModelSpec.presetNames().contains(model) ? model : resolveData(model));
        DatasetOrigin origin = DatasetOrigin.train(resolveData(data));
        getLog().info("smoothcal: loading " + origin.location());
        Dataset train = origin.load();
        Path out = resolve(outputDirectory);
        if (!alwaysTrain && upToDate(out, spec, config, train)) {
            getLog().info("smoothcal: the run in " + out + " was trained from the same model, configuration and "
                    + "data; keeping it (set alwaysTrain to train again)");
            return;
        }
        getLog().info(String.format(Locale.ROOT, "smoothcal: training %s on %s (%d images), %d epochs, label "
                + "smoothing %s", spec.name(), train.name(), train.size(), config.epochs(),
                config.labelSmoothing().alpha()));
        try (OutputDirectory dir = OutputDirectory.open(out, OutputDirectory.Overwrite.REPLACE)) {
            // A new run never continues from checkpoints an earlier build left in the folder.
            RunOptions options = RunOptions.DEFAULT.withOrigin(origin).withCheckpoints(
                    dir.target().resolve(RunDirectory.CHECKPOINTS), RunOptions.Resume.START);
            TrainingResult result = TrainingRun.fit(train, spec, config, dir.staging(), options, new LogListener(
                    getLog()::info));
            dir.commit();
            getLog().info("smoothcal: run written to " + dir.target() + " (best epoch " + result.bestEpoch()
                    + ", model fingerprint " + result.manifest().modelFingerprint() + ")");
        }
    }

    /** The configured values on the library's builder; what is not configured keeps the library's default. */
    TrainingConfig config() {
        TrainingConfig.Builder b = TrainingConfig.builder();
        set(epochs, b::epochs);
        set(batchSize, b::batchSize);
        set(enumValue("optimizer", OptimizerKind.class, optimizer), b::optimizer);
        set(learningRate, b::learningRate);
        set(momentum, b::momentum);
        set(weightDecay, b::weightDecay);
        set(enumValue("schedule", ScheduleKind.class, schedule), b::schedule);
        set(stepEvery, b::stepEvery);
        set(stepFactor, b::stepFactor);
        set(polyPower, b::polyPower);
        set(warmupEpochs, b::warmupEpochs);
        set(labelSmoothing, b::labelSmoothing);
        set(enumValue("smoothingConvention", SmoothingConvention.class, smoothingConvention),
                b::smoothingConvention);
        set(mixupAlpha, b::mixupAlpha);
        set(cutmixAlpha, b::cutmixAlpha);
        set(mixProbability, b::mixProbability);
        set(switchProbability, b::switchProbability);
        set(enumValue("mixMode", MixMode.class, mixMode), b::mixMode);
        set(shift, b::shift);
        set(enumValue("flip", FlipMode.class, flip), b::flip);
        set(seed, b::seed);
        set(validationFraction, b::validationFraction);
        set(enumValue("monitor", Monitor.class, monitor), b::monitor);
        set(patience, b::patience);
        if (device != null) {
            b.device(Device.parse(device));
        }
        return b.build();
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** Whether {@code out} holds a complete run of exactly this model, configuration and data. */
    private boolean upToDate(Path out, ModelSpec spec, TrainingConfig config, Dataset train) {
        RunDirectory run = new RunDirectory(out);
        if (!Files.isRegularFile(run.runJson()) || !Files.isRegularFile(run.modelOnnx())
                || !Files.isDirectory(run.savedModel())) {
            return false;
        }
        try {
            RunManifest m = RunManifest.read(run);
            return spec.equals(m.model()) && config.equals(m.config())
                    && train.fingerprint().equals(m.dataset().fingerprint());
        } catch (RuntimeException e) {
            getLog().debug("smoothcal: " + run.runJson() + " unreadable, training again: " + e.getMessage());
            return false;
        }
    }

    /** Training progress as one log line per epoch and phase. */
    private record LogListener(Consumer<String> log) implements TrainingListener {
        @Override
        public void epochFinished(EpochRecord r) {
            log.accept(String.format(Locale.ROOT, "smoothcal: epoch %d: loss %.4f, accuracy %.4f, val_loss %.4f, "
                    + "val_accuracy %.4f, val_ece %.4f", r.epoch(), r.trainLoss(), r.trainAccuracy(), r.valLoss(),
                    r.valAccuracy(), r.valEce()));
        }

        @Override
        public void phase(String description) {
            log.accept("smoothcal: " + description);
        }
    }
}
