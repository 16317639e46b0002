package dev.zumik.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code zumik} command. */
@Command(name = "zumik", mixinStandardHelpOptions = true, version = "zumik 0.1.0-SNAPSHOT",
        description = {
            "Should this LLM traffic lane leave the managed API for your own GPUs? Zumik answers with evidence: "
                + "it captures the shape of production requests into Kafka, measures reuse and concentration as "
                + "traffic streams, and replays promising lanes against the managed baseline and a BYOC candidate.",
            ""},
        subcommands = {DemoCommand.class, DevCommand.class, KafkaCommand.class, RegistryCommand.class, TopicsCommand.class,
            CaptureCommand.class, ImportCommand.class, ExportCommand.class, StreamsCommand.class, AnalyzeCommand.class,
            LanesCommand.class, ReplayCommand.class, ReplayWorkerCommand.class, KeysCommand.class, VerifyCommand.class, VerdictsCommand.class, PurgeCommand.class, ProfileCommand.class,
            SimCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Start here: zumik dev  (a real Kafka broker and schema registry on this machine)",
            "Settings: flags, then --config FILE, then ZUMIK_* environment variables; see docs/OPERATIONS.md."})
public final class Zumik implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line and returns the exit code; user mistakes print one line on {@code err}. */
    public static int execute(final PrintWriter out, final PrintWriter err, final String... args) {
        final CommandLine cli = new CommandLine(new Zumik());
        withHelpEverywhere(cli);
        cli.setDefaultValueProvider(new EnvironmentDefaults(System.getenv()));
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, arguments) -> {
            final String command = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println(command + ": " + unknownOptionFirst(ex, arguments) + " (see '" + command + " --help')");
            err.flush();
            return ZumikException.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            final String command = commandLine.getCommandSpec().qualifiedName();
            if (ex instanceof ZumikException zumik) {
                err.println(command + ": " + zumik.getMessage());
                err.flush();
                return zumik.exitCode();
            }
            err.println(command + ": unexpected error: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return ZumikException.FAILURE;
        });
        return cli.execute(args);
    }

    /**
     * The parse error to show. Picocli checks required arguments before it reports unknown options, so a typo'd
     * flag would read "Missing required option"; the unknown option is the user's real mistake, so it comes first.
     */
    private static String unknownOptionFirst(final CommandLine.ParameterException ex, final String[] arguments) {
        if (ex instanceof CommandLine.MissingParameterException) {
            final CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
            for (final String argument : arguments) {
                final String name = argument.split("=", 2)[0];
                if (name.startsWith("-") && name.length() > 1 && !name.equals("--") && spec.findOption(name) == null
                        && !name.matches("-\\d.*")) {
                    return "Unknown option: '" + name + "'";
                }
            }
        }
        return ex.getMessage();
    }

    /** {@code -h}/{@code --help} (and {@code -V}/{@code --version}) on every subcommand, before its required arguments are checked. */
    static void withHelpEverywhere(final CommandLine command) {
        for (final CommandLine sub : command.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions() && !(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            withHelpEverywhere(sub);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
