package dev.remotemedia.testing;

import dev.remotemedia.grpc.BearerAuthInterceptor;
import dev.remotemedia.grpc.PlainGrpcBinding;
import dev.remotemedia.grpc.ServerLimits;
import dev.remotemedia.grpc.StreamHandler;
import dev.remotemedia.pipeline.TokenAuthenticator;
import dev.remotemedia.manifest.ManifestFetcher;
import dev.remotemedia.manifest.ManifestResolver;
import dev.remotemedia.manifest.VariableSource;
import dev.remotemedia.pipeline.NodeType;
import dev.remotemedia.pipeline.NodeTypeRegistry;
import dev.remotemedia.pipeline.PipelineEngine;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.protobuf.services.HealthStatusManager;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

/**
 * Real PipelineService servers on random loopback ports, in this JVM: each with its own engine,
 * health service, optional token check and TLS. {@link #kill} drops every connection at once
 * (like a crashed process); {@link #restart} brings the server back on the same port.
 */
public final class RemoteServers implements AutoCloseable {
    /** One server; {@code extraTypes} replace same-named node types (e.g. a slowed-down AudioStats). */
    public static final class Instance {
        private final String host;
        private final int port;
        private final Path pipelinesDir;
        private final List<String> pipelines;
        private final List<NodeType> extraTypes;
        private final List<String> tokens;
        private final ServerCredentials credentials;
        private PipelineEngine engine;
        private Server server;
        private StreamHandler handler;

        Instance(String host, int port, List<NodeType> extraTypes, List<String> tokens, ServerCredentials credentials,
                 Path pipelinesDir, List<String> pipelines) {
            this.host = host;
            this.port = port;
            this.pipelinesDir = pipelinesDir;
            this.pipelines = pipelines;
            this.extraTypes = extraTypes;
            this.tokens = tokens;
            this.credentials = credentials;
        }

        public int port() { return port; }

        public String address() { return host + ":" + port; }

        public StreamHandler handler() { return handler; }

        void start() throws IOException {
            List<NodeType> types = new ArrayList<>();
            ServiceLoader.load(NodeType.class).forEach(t -> {
                if (extraTypes.stream().noneMatch(x -> x.name().equals(t.name()))) types.add(t);
            });
            types.addAll(extraTypes);
            engine = new PipelineEngine(new NodeTypeRegistry(types), VariableSource.environment(), 2);
            var resolver = new ManifestResolver(engine::parse, pipelinesDir,
                    new ManifestFetcher(manifestTtl, Duration.ofSeconds(2), 1, objectStore,
                            io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool(), urlPolicy));
            handler = new StreamHandler(engine, resolver, new ServerLimits(64, Duration.ofMinutes(5), "gpu", pipelines));
            HealthStatusManager health = new HealthStatusManager();
            var auth = new BearerAuthInterceptor(new dev.remotemedia.pipeline.AccessPolicy(new TokenAuthenticator(tokens), List.of()), true);
            server = io.grpc.netty.NettyServerBuilder.forAddress(new java.net.InetSocketAddress(host, port), credentials)
                    .addService(ServerInterceptors.intercept(PlainGrpcBinding.bind(handler), auth))
                    .addService(health.getHealthService())
                    .build().start();
        }

        /** Closes the engine but leaves the gRPC server serving: a stream that outlives its server's stop. */
        public void closeEngineOnly() {
            engine.close();
        }

        /** Abrupt stop: open streams fail at once, new connections are refused. */
        public void kill() {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            engine.close();
        }

        public void restart() throws IOException {
            start();
        }
    }

    private final List<Instance> instances = new ArrayList<>();
    private static volatile ManifestFetcher.ObjectStore objectStore;
    private static volatile Duration manifestTtl = Duration.ofSeconds(1);

    private static volatile dev.remotemedia.manifest.UrlPolicy urlPolicy = dev.remotemedia.manifest.UrlPolicy.UNRESTRICTED;

    /** Which manifest URLs servers started from now on fetch (tests serve manifests from loopback: unrestricted by default). */
    public static void urlPolicy(dev.remotemedia.manifest.UrlPolicy policy) {
        urlPolicy = policy;
    }

    /** S3 access and manifest cache TTL for servers started from now on. */
    public static void manifests(ManifestFetcher.ObjectStore store, Duration ttl) {
        objectStore = store;
        manifestTtl = ttl;
    }

    public Instance start(List<NodeType> extraTypes, List<String> tokens, ServerCredentials credentials) throws IOException {
        return start("127.0.0.1", FreeGrpcPort.freePort(), extraTypes, tokens, credentials, Path.of("manifests"), List.of());
    }

    /**
     * A server bound to {@code host:port} only (127.0.0.2, 127.0.0.3, … share one port like a
     * fleet's tasks), serving named pipelines from {@code pipelinesDir}, advertising {@code pipelines}
     * (empty = any).
     */
    public Instance startOn(String host, int port, Path pipelinesDir, List<String> pipelines, List<NodeType> extraTypes) throws IOException {
        return start(host, port, extraTypes, List.of(), InsecureServerCredentials.create(), pipelinesDir, pipelines);
    }

    private Instance start(String host, int port, List<NodeType> extraTypes, List<String> tokens, ServerCredentials credentials,
                           Path pipelinesDir, List<String> pipelines) throws IOException {
        Instance i = new Instance(host, port, extraTypes, tokens, credentials, pipelinesDir, pipelines);
        i.start();
        instances.add(i);
        return i;
    }

    public Instance start() throws IOException {
        return start(List.of(), List.of(), InsecureServerCredentials.create());
    }

    public Instance start(List<NodeType> extraTypes) throws IOException {
        return start(extraTypes, List.of(), InsecureServerCredentials.create());
    }

    @Override
    public void close() {
        for (Instance i : instances) {
            try {
                i.kill();
            } catch (RuntimeException ignored) {
                // already stopped
            }
        }
    }
}
