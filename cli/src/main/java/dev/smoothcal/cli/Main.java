package dev.smoothcal.cli;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.Version;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
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
        return execute(Runtimes.hasTensorFlow(), args);
    }

    /** The commands that need TensorFlow: the evaluator-only distribution hides them from {@code --help}. */
    static final List<String> TENSORFLOW_COMMANDS = List.of("demo", "train", "interop", "bench");

    /**
     * Runs the command line as an installation with or without TensorFlow would: without it, the commands that
     * need it are left out of {@code --help} (they still answer, with an error saying what is missing).
     */
    static int execute(boolean tensorFlow, String... args) {
        CommandLine cli = new CommandLine(new Main());
        if (!tensorFlow) {
            TENSORFLOW_COMMANDS.forEach(c -> cli.getSubcommands().get(c).getCommandSpec().usageMessage().hidden(true));
        }
        return run(cli, args);
    }

    /**
     * Runs {@code cli} with smoothcal's error handling: a {@link SmoothcalException} or any other exception is
     * one line (see {@link #handle}); an {@link OutOfMemoryError} is one line naming the heap it exceeded, exit
     * 2 (the input asked for it); any other {@link Error} is a defect, exit 70. {@code --verbose} adds traces.
     */
    static int run(CommandLine cli, String... args) {
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(e, commandLine));
        cli.setParameterExceptionHandler((e, args1) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("smoothcal: error: " + oneLine(e.getMessage()) + " (see '"
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return ExitCode.BAD_INPUT;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            // Input-driven: the data or model asked for more than this JVM may have.
            Runtime rt = Runtime.getRuntime();
            System.err.println("smoothcal: error: out of memory: this input needs more than the Java heap of "
                    + (rt.maxMemory() >> 20) + " MiB allows (" + oneLine(rootMessage(e)) + "); use smaller data, a smaller "
                    + "--batch-size or model, or give Java more memory (SMOOTHCAL_JAVA_OPTS=-Xmx8g)");
            if (Arrays.asList(args).contains("--verbose")) {
                e.printStackTrace();
            }
            return ExitCode.BAD_INPUT;
        } catch (LinkageError e) {
            // Only the evaluator-only distribution lacks classes; Runtimes checks first, this is the backstop.
            System.err.println("smoothcal: error: this command needs classes missing from this installation ("
                    + oneLine(String.valueOf(e.getMessage())) + ")");
            return ExitCode.BAD_INPUT;
        } catch (Error e) {
            boolean verbose = Arrays.asList(args).contains("--verbose");
            System.err.println("smoothcal: error: unexpected " + e.getClass().getSimpleName() + ": "
                    + oneLine(rootMessage(e)) + (verbose ? "" : " (run with --verbose for the stack trace, and please "
                    + "report it)"));
            if (verbose) {
                e.printStackTrace();
            }
            return ExitCode.DEFECT;
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
        err.println("smoothcal: error: " + oneLine(message));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /**
     * {@code message} on one line: a line break or other control character (from a hostile file name, or a
     * library's multi-line text) is shown escaped, as {@code \n} or {@code \u001b}.
     */
    static String oneLine(String message) {
        StringBuilder sb = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append(' ');
            } else if (Character.isISOControl(c) || c == '\uFEFF') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
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
