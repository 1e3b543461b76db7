package dev.remotemedia.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs CLI commands in-process, capturing output and exit code. */
public final class CliTestSupport {
    private CliTestSupport() {}

    public record Result(int code, String out, String err) {}

    public static Result cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = RemoteMediaCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }
}
