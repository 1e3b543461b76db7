package dev.remotemedia.remote;

import dev.remotemedia.grpc.v1.MutinyPipelineServiceGrpc;
import dev.remotemedia.telemetry.Telemetry;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import org.jboss.logging.Logger;

import java.io.File;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoints of one RemotePipelineNode configuration, shared by all sessions using it: one
 * channel each (built at run time from the manifest), a circuit breaker each, and grpc.health.v1
 * probing every {@code health_check.interval_ms} that takes endpoints out and brings them back.
 */
final class EndpointPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EndpointPool.class);

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final AtomicLong rotation = new AtomicLong();
    private final ScheduledExecutorService prober;
    private final long healthTimeoutMs;
    private final io.grpc.ClientInterceptor auth;

    EndpointPool(RemoteSettings s) {
        this.healthTimeoutMs = s.healthTimeoutMs();
        ChannelCredentials credentials = credentials(s.tls());
        Metadata headers = new Metadata();
        if (s.authToken() != null && !s.authToken().isBlank()) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + s.authToken());
        }
        this.auth = MetadataUtils.newAttachHeadersInterceptor(headers);
        for (String address : s.endpoints()) {
            int colon = address.lastIndexOf(':');
            String host = address.substring(0, colon);
            int port = Integer.parseInt(address.substring(colon + 1));
            var builder = Grpc.newChannelBuilderForAddress(host, port, credentials)
                    .keepAliveTime(30, TimeUnit.SECONDS).keepAliveWithoutCalls(false)
                    .maxInboundMessageSize(64 * 1024 * 1024);
            if (s.tls().authority() != null) builder.overrideAuthority(s.tls().authority());
            ManagedChannel channel = builder.build();
            var stub = MutinyPipelineServiceGrpc.newMutinyStub(channel).withInterceptors(auth);
            Endpoint endpoint = new Endpoint(address, channel, stub, e -> guard(e, s));
            endpoints.add(endpoint);
            Telemetry.breakerState(address, () -> switch (endpoint.breaker()) {
                case CLOSED -> 0;
                case HALF_OPEN -> 1;
                case OPEN -> 2;
            });
            Telemetry.endpointHealthy(address, () -> endpoint.healthy() ? 1 : 0);
        }
        prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "remotemedia-health-probe");
            t.setDaemon(true);
            return t;
        });
        if (s.healthIntervalMs() > 0) {
            prober.scheduleWithFixedDelay(this::probeAll, 0, s.healthIntervalMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** Per endpoint: breaker (failure_threshold consecutive failures open it) around a timeout. */
    private static TypedGuard<Uni<long[]>> guard(Endpoint e, RemoteSettings s) {
        return TypedGuard.create(new TypeLiteral<Uni<long[]>>() {})
                .withCircuitBreaker()
                .requestVolumeThreshold(s.failureThreshold()).failureRatio(1.0)
                .delay(s.resetTimeoutMs(), ChronoUnit.MILLIS).successThreshold(s.successThreshold())
                .when(t -> !(t instanceof RemoteCallException r) || r.retryable())
                .onStateChange(state -> {
                    e.breaker(state);
                    LOG.infof("endpoint %s: circuit breaker %s", e.address(), state);
                })
                .done()
                .withTimeout().duration(s.timeoutMs(), ChronoUnit.MILLIS).done()
                .withThreadOffload(false) // Uni calls are non-blocking: no hop to another thread
                .build();
    }

    private static ChannelCredentials credentials(RemoteSettings.Tls tls) {
        if (!tls.enabled()) return InsecureChannelCredentials.create();
        try {
            var b = TlsChannelCredentials.newBuilder();
            if (tls.caFile() != null) b.trustManager(new File(tls.caFile()));
            if (tls.certFile() != null && tls.keyFile() != null) b.keyManager(new File(tls.certFile()), new File(tls.keyFile()));
            return b.build();
        } catch (IOException e) {
            throw new IllegalArgumentException("tls: cannot read certificate files: " + e.getMessage(), e);
        }
    }

    List<Endpoint> endpoints() { return endpoints; }

    /** The strategy's pick among available endpoints not in {@code exclude}; null when none is available. */
    Endpoint choose(Strategy strategy, Collection<Endpoint> exclude) {
        List<Endpoint> candidates = endpoints.stream().filter(e -> e.available() && !exclude.contains(e)).toList();
        return strategy.pick(candidates, endpoints, rotation);
    }

    /** One line per endpoint for error messages: "a:1 NOT_SERVING, breaker OPEN; …". */
    String describe() {
        return String.join("; ", endpoints.stream().map(e -> e.address() + " " + e.state()).toList());
    }

    void probeAll() {
        for (Endpoint e : endpoints) {
            e.reconnectNow();
            var future = HealthGrpc.newFutureStub(e.channel()).withInterceptors(auth).withDeadlineAfter(healthTimeoutMs, TimeUnit.MILLISECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            future.addListener(() -> {
                boolean ok;
                try {
                    ok = future.get().getStatus() == HealthCheckResponse.ServingStatus.SERVING;
                } catch (Exception ex) {
                    ok = false;
                }
                if (ok != e.healthy()) LOG.infof("endpoint %s is now %s", e.address(), ok ? "SERVING" : "NOT_SERVING");
                e.healthy(ok);
            }, Runnable::run);
        }
    }

    @Override
    public void close() {
        prober.shutdownNow();
        endpoints.forEach(e -> e.channel().shutdownNow());
    }
}
