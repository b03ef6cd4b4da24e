package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code smoothcal} command. Errors are one line on stderr ({@code smoothcal: error: ...}) with
 * the exit code of their kind ({@link ExitCode}); {@code --verbose} adds the stack trace.
 */
@Command(name = "smoothcal", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Train label-smoothed image classifiers with TensorFlow Java, export them to ONNX, "
                + "and prove that the exported model is faithful and well calibrated.",
        subcommands = {DemoCommand.class, TrainCommand.class, EvaluateCommand.class, CompareCommand.class,
                InteropCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors and more detail.")
    boolean verbose;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required");
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the command line and returns the exit code (for tests).
     *
     * @param args the command-line arguments
     * @return 0 on success, else the exit code of the error
     */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(e, commandLine));
        cli.setParameterExceptionHandler((e, args1) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("smoothcal: error: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return ExitCode.BAD_INPUT;
        });
        try {
            return cli.execute(args);
        } catch (LinkageError e) {
            // Only the evaluator-only distribution lacks classes; Runtimes checks first, this is the backstop.
            System.err.println("smoothcal: error: this command needs classes missing from this installation ("
                    + e.getMessage() + ")");
            return ExitCode.BAD_INPUT;
        }
    }

    /**
     * Prints {@code e} as one line and returns its exit code: a {@link SmoothcalException} by its kind
     * (see {@link ExitCode#of}), its parameter named by the command's flag (see {@link Flags}); anything
     * else is a defect. {@code --verbose} adds the stack trace.
     */
    static int handle(Exception e, CommandLine commandLine) {
        PrintWriter err = commandLine.getErr();
        boolean verbose = isVerbose(commandLine);
        int code;
        String message;
        String report = verbose ? "" : " (run with --verbose for the stack trace, and please report it)";
        if (e instanceof SmoothcalException s) {
            code = ExitCode.of(s.kind());
            message = Flags.message(s, commandLine.getCommandName());
            if (s.kind() == SmoothcalException.Kind.DEFECT) {
                message = "defect in smoothcal: " + message + report;
            }
        } else {
            code = ExitCode.DEFECT;
            message = "unexpected " + e.getClass().getSimpleName() + ": " + rootMessage(e) + report;
        }
        err.println("smoothcal: error: " + message);
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static boolean isVerbose(CommandLine commandLine) {
        for (CommandLine c = commandLine; c != null; c = c.getParent()) {
            if (c.getCommand() instanceof Main m && m.verbose) {
                return true;
            }
        }
        var parsed = commandLine.getParseResult();
        return parsed != null && parsed.hasMatchedOption("--verbose");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** {@code --version}: smoothcal and runtime versions. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"smoothcal " + Version.get(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
