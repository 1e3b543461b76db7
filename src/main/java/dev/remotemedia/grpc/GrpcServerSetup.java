package dev.remotemedia.grpc;

import dev.remotemedia.pipeline.AccessPolicy;
import dev.remotemedia.pipeline.TokenAuthenticator;

import dev.remotemedia.manifest.ManifestFetcher;
import dev.remotemedia.manifest.ManifestResolver;
import dev.remotemedia.manifest.S3ObjectStore;
import dev.remotemedia.manifest.UrlPolicy;
import software.amazon.awssdk.services.s3.S3Client;
import dev.remotemedia.pipeline.PipelineConfig;
import dev.remotemedia.pipeline.PipelineEngine;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Wires the server side: the stream handler, token check, and the gRPC health status —
 * NOT_SERVING until warm-up pipelines (and their models) are loaded, and again while draining.
 */
@ApplicationScoped
public class GrpcServerSetup {
    private static final Logger LOG = Logger.getLogger(GrpcServerSetup.class);
    static final String SERVICE = "remotemedia.v1.PipelineService";

    @Inject
    GrpcConfig config;

    @Inject
    PipelineConfig pipelineConfig;

    @Inject
    Instance<GrpcHealthStorage> health;

    @Produces
    @Singleton
    ManifestResolver resolver(PipelineEngine engine, Instance<S3Client> s3) {
        var fetcher = new ManifestFetcher(Duration.ofMillis(config.manifestCacheTtlMs()),
                Duration.ofMillis(config.manifestFetchTimeoutMs()), 2, new S3ObjectStore(s3::get), engine.threads().blocking(), urlPolicy());
        return new ManifestResolver(engine::parse, Path.of(pipelineConfig.pipeline().manifestsDir()), fetcher);
    }

    UrlPolicy urlPolicy() {
        var u = config.manifestUrls();
        return new UrlPolicy(java.util.Set.copyOf(u.schemes()), u.hosts().orElse(List.of()), u.s3Buckets().orElse(List.of()),
                u.allowNetworks().orElse(List.of()));
    }

    @Produces
    @Singleton
    StreamHandler handler(PipelineEngine engine, ManifestResolver resolver) {
        long idle = config.idleTimeoutMs();
        return new StreamHandler(engine, resolver, new ServerLimits(config.maxStreams(), Duration.ofMillis(idle), pipelineConfig.role(),
                config.pipelines().orElse(List.of())));
    }

    @Produces
    @Singleton
    TokenAuthenticator tokens() {
        return TokenAuthenticator.of(config.auth().tokens().orElse(List.of()), config.auth().tokensFile().map(Path::of).orElse(null));
    }

    @Produces
    @Singleton
    AccessPolicy access(TokenAuthenticator tokens) {
        return new AccessPolicy(tokens, config.auth().anonymousNetworks().orElse(List.of()));
    }

    void start(@Observes StartupEvent event, StreamHandler handler, ManifestResolver resolver, PipelineEngine engine, AccessPolicy access) {
        LOG.info(access.summary());
        setHealth(ServingStatus.NOT_SERVING);
        if (!RoleInterceptor.serves(config, pipelineConfig)) {
            // the instance is healthy (readiness reads the default service); PipelineService is not offered
            if (health.isResolvable()) health.get().setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, ServingStatus.SERVING);
            LOG.infof("role %s: PipelineService is not served (remotemedia.grpc.serve=false)", pipelineConfig.role());
            return;
        }
        if (io.quarkus.runtime.LaunchMode.current() == io.quarkus.runtime.LaunchMode.NORMAL && !listening()) {
            // Quarkus logs "Unable to start the gRPC server" (a bad TLS setting, a port in use) and runs on,
            // ready and live with nothing on the gRPC port: a worker that takes traffic it cannot serve
            LOG.errorf("the gRPC server is not listening on %s:%d (see the error above: TLS files, trust-store password, port in use); stopping",
                    grpcHost, grpcPort);
            io.quarkus.runtime.Quarkus.asyncExit(1);
            return;
        }
        handler.warm(false);
        List<String> warmup = config.warmupPipelines().orElse(List.of());
        engine.worker().execute(() -> {
            try {
                for (String name : warmup) {
                    long t0 = System.nanoTime();
                    LOG.infof("warm-up pipeline %s: loading its models (%d of %d)", name, warmup.indexOf(name) + 1, warmup.size());
                    engine.open(resolver.named(name), "warmup").close();
                    handler.warmed(name);
                    LOG.infof("warm-up pipeline %s ready in %d ms", name, (System.nanoTime() - t0) / 1_000_000);
                }
                handler.warm(true);
                setHealth(ServingStatus.SERVING);
            } catch (RuntimeException e) {
                LOG.errorf("warm-up failed, gRPC health stays NOT_SERVING: %s", e.getMessage());
            }
        });
    }

    /**
     * Drain: health NOT_SERVING, Ready UNAVAILABLE, new streams and segments refused with a retryable
     * status (clients fail over), running segments finish for up to drain-timeout-ms. Once.
     */
    public void drain(StreamHandler handler) throws InterruptedException {
        synchronized (this) {
            if (handler.draining()) return;
            handler.drain();
        }
        setHealth(ServingStatus.NOT_SERVING);
        int units = handler.activeUnits();
        boolean idle = handler.awaitIdle(Duration.ofMillis(config.drainTimeoutMs()));
        LOG.infof("drained: %d segment(s) were in flight, %s", units, idle ? "all finished" : "drain timeout reached");
    }

    void stop(@Observes @Priority(1) ShutdownEvent event, StreamHandler handler) throws InterruptedException {
        drain(handler);
    }

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.grpc.server.host", defaultValue = "0.0.0.0")
    String grpcHost;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.grpc.server.port", defaultValue = "9000")
    int grpcPort;

    /** Whether something accepts connections on the configured gRPC address. */
    private boolean listening() {
        String host = grpcHost.equals("0.0.0.0") || grpcHost.equals("::") ? "127.0.0.1" : grpcHost;
        try (var socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(host, grpcPort), 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void setHealth(ServingStatus status) {
        if (!health.isResolvable()) return;
        health.get().setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, status);
        health.get().setStatus(SERVICE, status);
    }
}
