package dev.remotemedia.cli;

import dev.remotemedia.ServeApplication;
import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** `serve`: the server (HTTP 8080, gRPC 50051). The default command. */
@Command(name = "serve", description = "Run the server: page, WHIP, REST, health and metrics on 8080; gRPC on 50051.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--manifest", paramLabel = "FILE", description = "Pipeline that incoming sessions run.")
    Path manifest;

    @Mixin
    DebugOption debug;

    @Unmatched
    List<String> quarkusArgs = List.of();

    @Override
    public Integer call() {
        if (manifest != null) {
            if (!Files.isRegularFile(manifest)) throw new IllegalArgumentException("manifest not found: " + manifest);
            System.setProperty("remotemedia.pipeline.manifest", manifest.toAbsolutePath().toString());
        }
        Quarkus.run(ServeApplication.class, quarkusArgs.toArray(String[]::new));
        return RemoteMediaCommand.SERVED;
    }
}
