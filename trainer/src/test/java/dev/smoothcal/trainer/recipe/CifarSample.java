package dev.smoothcal.trainer.recipe;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The first 200 CIFAR-10 training images of {@code ../shared/data/cifar10-png200} (Kaggle layout in a
 * tarball: {@code train/N.png} and {@code trainLabels.csv}). Read directly where the data loaders take that
 * layout; otherwise unpacked with {@code tar} into one folder per class. Absent data is a visible skip.
 */
final class CifarSample {
    static final Path FOLDER = Path.of("../../shared/data/cifar10-png200");

    private CifarSample() {
    }

    static Dataset load(Path scratch) throws IOException, InterruptedException {
        assumeTrue(Files.isDirectory(FOLDER), "no CIFAR-10 sample at " + FOLDER.toAbsolutePath().normalize()
                + " (../shared/data is CI-only): recipe steps on real images skipped");
        try {
            return DatasetSource.load(FOLDER.toString(), DatasetSplit.TRAIN);
        } catch (SmoothcalException e) {
            // the loaders of this build do not read the tarball: unpack it into class folders
        }
        Path tarball;
        try (var files = Files.list(FOLDER)) {
            tarball = files.filter(f -> f.toString().endsWith(".tar.gz")).findFirst().orElse(null);
        }
        assumeTrue(tarball != null, "no .tar.gz in " + FOLDER);
        Path raw = Files.createDirectories(scratch.resolve("raw"));
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toAbsolutePath().toString(), "-C", raw.toString())
                .inheritIO().start();
        assumeTrue(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0, "tar could not unpack " + tarball);
        Path classes = Files.createDirectories(scratch.resolve("classes"));
        List<String> lines = Files.readAllLines(raw.resolve("trainLabels.csv"));
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(",");
            Path dir = Files.createDirectories(classes.resolve(f[1]));
            Files.copy(raw.resolve("train").resolve(f[0]), dir.resolve(f[0]));
        }
        return DatasetSource.load(classes.toString(), DatasetSplit.TRAIN);
    }
}
