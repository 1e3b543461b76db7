package dev.remotemedia;

import dev.remotemedia.cli.RemoteMediaCommand;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of `bin/remotemedia` and `java -jar quarkus-run.jar`. Only `serve` (the default)
 * boots Quarkus; the other commands run plain picocli so they bind no ports and answer in seconds.
 */
@QuarkusMain
public final class Main {
    private Main() {}

    public static void main(String... args) {
        int code = RemoteMediaCommand.execute(args);
        if (code != RemoteMediaCommand.SERVED) System.exit(code);
    }
}
