package dev.remotemedia.bench;

import dev.remotemedia.grpc.PlainGrpcBinding;
import dev.remotemedia.grpc.ServerLimits;
import dev.remotemedia.grpc.StreamHandler;
import dev.remotemedia.manifest.ManifestFetcher;
import dev.remotemedia.manifest.ManifestResolver;
import dev.remotemedia.pipeline.PipelineEngine;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** A worker for benchmarks: the real {@code PipelineService} (its own engine and StreamHandler) on a free loopback port, in this process. */
public final class LoopbackWorker implements AutoCloseable {
    private final PipelineEngine engine = PipelineEngine.standalone();
    private final Server server;

    /** @param maxStreams streams the worker admits at once */
    public LoopbackWorker(int maxStreams) throws IOException {
        var handler = new StreamHandler(engine, new ManifestResolver(engine::parse, Path.of("manifests"),
                new ManifestFetcher(Duration.ofSeconds(30), Duration.ofSeconds(5), 0, null)), new ServerLimits(maxStreams, Duration.ZERO, "gpu"));
        server = serve(PlainGrpcBinding.bind(handler));
    }

    public int port() { return server.getPort(); }

    /** Any service on a free port (the benchmarks' raw baselines). */
    public static Server serve(ServerServiceDefinition service) throws IOException {
        return Grpc.newServerBuilderForPort(ProcessStats.freePort(), InsecureServerCredentials.create()).addService(service).build().start();
    }

    @Override
    public void close() {
        server.shutdownNow();
        engine.close();
    }
}
