package dev.smoothcal.maven;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.core.data.DatasetSource;
import dev.smoothcal.core.data.DatasetSplit;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What every goal shares: the {@code skip} switches and the translation of library errors into Maven's
 * two kinds: bad input and failed checks fail the build ({@link MojoFailureException}, "BUILD FAILURE"),
 * backend failures and defects are errors of the build ({@link MojoExecutionException}).
 */
abstract class SmoothcalMojo extends AbstractMojo {
    /** Skips every smoothcal goal. */
    @Parameter(property = "smoothcal.skip", defaultValue = "false")
    boolean skip;

    /** The project's folder; relative data paths are resolved against it. */
    @Parameter(defaultValue = "${project.basedir}", readonly = true, required = true)
    File basedir;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip || skipGoal()) {
            getLog().info("smoothcal: skipping " + goal());
            return;
        }
        try {
            run();
        } catch (SmoothcalException e) {
            String message = "smoothcal " + goal() + ": " + e.getMessage();
            switch (e.kind()) {
                case BAD_INPUT, CHECK_FAILED -> throw new MojoFailureException(message, e);
                case BACKEND_FAILURE, DEFECT -> throw new MojoExecutionException(message, e);
                default -> throw new MojoExecutionException(message, e);
            }
        }
    }

    /** The goal's name, for messages. */
    abstract String goal();

    /** Whether this goal's own skip switch is on. */
    abstract boolean skipGoal();

    /** Does the goal's work; library errors propagate as {@link SmoothcalException}. */
    abstract void run() throws MojoFailureException;

    /** {@code data} as the library reads it: the built-in name, or a path relative to the project. */
    Dataset load(String data, String split) {
        return DatasetSource.load(resolveData(data), DatasetSplit.parse(split));
    }

    /**
     * {@code value} as a constant of {@code type}, spelt as run.json and the command line spell it (lower
     * case, {@code -} or {@code _} between words); null stays null (the library's default).
     */
    static <E extends Enum<E>> E enumValue(String parameter, Class<E> type, String value) {
        if (value == null) {
            return null;
        }
        String key = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E c : type.getEnumConstants()) {
            if (c.name().equals(key)) {
                return c;
            }
        }
        String names = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw SmoothcalException.invalid(parameter, "must be one of " + names + ", found '" + value + "'");
    }

    String resolveData(String data) {
        if (data == null || data.equals(DatasetSource.DIGITS)) {
            return data;
        }
        Path p = Path.of(data);
        return (p.isAbsolute() ? p : basedir.toPath().resolve(p)).normalize().toString();
    }

    Path resolve(File file) {
        return file.toPath().toAbsolutePath().normalize();
    }
}
