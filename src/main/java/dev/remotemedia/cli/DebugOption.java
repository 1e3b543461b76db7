package dev.remotemedia.cli;

import picocli.CommandLine.Option;

/** `--debug` on every command: show stack traces of errors. */
public final class DebugOption {
    @Option(names = "--debug", description = "Print stack traces of errors.")
    boolean debug;
}
