package dev.remotemedia.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The `remotemedia` command line: `serve` (default), `validate`, `nodes`, `run`. */
@Command(name = "remotemedia", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "RemoteMedia for Quarkus: live audio pipelines with local VAD and remote GPU nodes.",
        subcommands = {ServeCommand.class, ValidateCommand.class, NodesCommand.class, RunCommand.class, BenchCommand.class, ProbeCommand.class,
                BuildCommand.class, DeployCommand.class, DestroyCommand.class, UploadManifestCommand.class,
                ListManifestsCommand.class, GenerateManifestCommand.class, LoadTestCommand.class, ModelsCommand.class, DemoCommand.class})
public final class RemoteMediaCommand implements Runnable {
    /** Returned by {@link #execute} when the server ran (Quarkus owns the exit code). */
    public static final int SERVED = Integer.MIN_VALUE;

    @Override
    public void run() {
        // no subcommand: handled in execute() by running `serve`
    }

    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        if (args.length == 0 || args[0].startsWith("-") && !isTopLevelOption(args[0])) {
            String[] withServe = new String[args.length + 1];
            withServe[0] = "serve";
            System.arraycopy(args, 0, withServe, 1, args.length);
            args = withServe;
        }
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        CommandLine cli = new CommandLine(new RemoteMediaCommand());
        cli.setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println("error: " + CliErrors.oneLine(e));
            if (debug) e.printStackTrace(commandLine.getErr());
            return 1;
        });
        return cli.execute(args);
    }

    private static boolean isTopLevelOption(String arg) {
        return arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version");
    }
}
