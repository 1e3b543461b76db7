package dev.remotemedia.remote;

import dev.remotemedia.grpc.v1.DescribeRequest;
import dev.remotemedia.grpc.v1.MutinyPipelineServiceGrpc;
import dev.remotemedia.grpc.v1.PipelineServiceGrpc;
import dev.remotemedia.telemetry.Telemetry;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.Meter;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import org.jboss.logging.Logger;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoints of one RemotePipelineNode configuration, shared by all sessions using it. Each
 * configured target is one endpoint ({@code host:port}) or one endpoint per address its name
 * resolves to ({@code dns:///NAME:PORT}, re-resolved every {@code discovery.refresh_ms} and after
 * connection failures). Every endpoint has its own channel, circuit breaker, health and latency.
 * grpc.health.v1 probes every {@code health_check.interval_ms} take endpoints out and bring them
 * back; a newly discovered address joins once a probe says SERVING; an address that left DNS gets
 * no new segments and its channel closes once its in-flight segments are done (or fail over).
 * Strategies pick from an immutable snapshot of the usable endpoints, rebuilt on every change.
 */
final class EndpointPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EndpointPool.class);
    /** The health of this service is what a probe asks for (a local-role instance is up but does not serve it). */
    private static final String SERVICE = "remotemedia.v1.PipelineService";
    /** Re-resolution after a connection failure waits at least this long since the last one. */
    private static final long MIN_REFRESH_GAP_MS = 1000;
    /** A Describe refresh (what a worker serves) every this many health probes. */
    private static final int DESCRIBE_EVERY_PROBES = 6;

    /** Name → addresses; the JDK's resolver in production (honours {@code -Djdk.net.hosts.file}). */
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    static final Resolver SYSTEM_DNS = host -> List.of(InetAddress.getAllByName(host));

    /** Shared-services key under which an embedding (or a test) may install another resolver. */
    public static final String RESOLVER_KEY = "remote-resolver";

    private final RemoteSettings settings;
    private final List<EndpointTarget> targets; // parsed once
    private final boolean discovers;            // any dns:/// target
    private final Resolver resolver;
    private final ChannelCredentials credentials;
    private final ClientInterceptor auth;
    private final ScheduledExecutorService scheduler;
    private final java.util.concurrent.Executor resolverLane; // one resolution at a time, off the timer
    private final AtomicLong rotation = new AtomicLong();
    private final AtomicLong probes = new AtomicLong();
    private final Map<String, Endpoint> members = new LinkedHashMap<>(); // guarded by this
    private final Map<Endpoint, List<Meter>> meters = new ConcurrentHashMap<>();
    private final Map<String, String> discoveryProblems = new ConcurrentHashMap<>();
    private final List<Meter> targetMeters = new ArrayList<>();
    private volatile List<Endpoint> all = List.of();     // joined endpoints, in discovery order
    private volatile List<Endpoint> usable = List.of();  // joined, healthy, breaker not open
    private volatile long lastRefreshNanos;
    private final List<java.util.concurrent.Future<?>> periodic = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /**
     * @param threads the media path's threads: the timer runs probes, discovery and retirement checks
     *                (not owned: the pool cancels its own tasks), name resolution runs on the blocking pool
     */
    EndpointPool(RemoteSettings s, Resolver resolver, dev.remotemedia.pipeline.MediaThreads threads) {
        this.settings = s;
        this.targets = s.targets();
        this.discovers = targets.stream().anyMatch(EndpointTarget::discovered);
        this.resolver = resolver;
        this.credentials = credentials(s.tls());
        Metadata headers = new Metadata();
        if (s.authToken() != null && !s.authToken().isBlank()) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + s.authToken());
        }
        this.auth = MetadataUtils.newAttachHeadersInterceptor(headers);
        this.scheduler = threads.timer();
        this.resolverLane = dev.remotemedia.pipeline.MediaThreads.serial(threads.blocking());
        refresh(true);
        for (EndpointTarget t : targets) {
            if (!t.discovered()) continue;
            targetMeters.add(Telemetry.discoveredEndpoints(t.toString(), "active", () -> count(t, Endpoint.State.ACTIVE)));
            targetMeters.add(Telemetry.discoveredEndpoints(t.toString(), "pending", () -> count(t, Endpoint.State.PENDING)));
        }
        if (s.healthIntervalMs() > 0) {
            periodic.add(scheduler.scheduleWithFixedDelay(this::probeAll, 0, s.healthIntervalMs(), TimeUnit.MILLISECONDS));
        }
        if (discovers) {
            // resolution may block (a slow DNS server): the timer hands it to the blocking side, never runs it itself
            periodic.add(scheduler.scheduleWithFixedDelay(() -> refreshLater(), s.discoveryRefreshMs(), s.discoveryRefreshMs(), TimeUnit.MILLISECONDS));
        }
    }

    // --- discovery -----------------------------------------------------------------------------

    /** Resolves every target and reconciles the members: new addresses join, vanished ones retire. */
    void refresh(boolean initial) {
        if (closed) return;
        lastRefreshNanos = System.nanoTime();
        Map<String, EndpointTarget> desired = new LinkedHashMap<>();
        for (EndpointTarget t : targets) {
            if (!t.discovered()) {
                desired.put(EndpointTarget.address(t.host(), t.port()), t);
                continue;
            }
            try {
                for (InetAddress a : resolver.resolve(t.host())) desired.put(EndpointTarget.address(a.getHostAddress(), t.port()), t);
                if (discoveryProblems.remove(t.toString()) != null) LOG.infof("%s resolves again", t);
            } catch (UnknownHostException | RuntimeException e) {
                // a DNS blip must not empty the pool: keep what this target had
                if (discoveryProblems.put(t.toString(), "cannot resolve " + t.host() + ": " + e.getMessage()) == null) {
                    LOG.warnf("%s: cannot resolve %s (%s); keeping its %d known address(es)", t, t.host(), e.getMessage(), count(t, null));
                }
                synchronized (this) {
                    members.forEach((address, e2) -> {
                        if (e2.target().equals(t)) desired.put(address, t);
                    });
                }
            }
        }
        List<Endpoint> joining = new ArrayList<>();
        synchronized (this) {
            if (closed) return;
            for (var entry : desired.entrySet()) {
                if (members.containsKey(entry.getKey())) continue;
                boolean joinNow = initial || settings.healthIntervalMs() == 0 || !entry.getValue().discovered();
                Endpoint e = create(entry.getKey(), entry.getValue(), joinNow ? Endpoint.State.ACTIVE : Endpoint.State.PENDING);
                members.put(entry.getKey(), e);
                if (joinNow) {
                    if (!initial) LOG.infof("endpoint %s joined (%s)", e.address(), e.target());
                    describe(e);
                } else {
                    joining.add(e);
                }
            }
            for (Endpoint e : List.copyOf(members.values())) {
                if (!desired.containsKey(e.address())) retire(e);
            }
            rebuild();
        }
        joining.forEach(this::probe); // joins on its first SERVING
    }

    /** After a connection failure: the worker may be gone; re-resolve soon (rate-limited). */
    void connectionFailed() {
        if (closed || !discovers) return;
        if (System.nanoTime() - lastRefreshNanos < MIN_REFRESH_GAP_MS * 1_000_000) return;
        lastRefreshNanos = System.nanoTime();
        refreshLater();
    }

    /** Resolution off the timer thread (the JDK resolver blocks on the network). */
    private void refreshLater() {
        if (closed) return;
        java.util.concurrent.CompletableFuture.runAsync(() -> refresh(false), resolverLane);
    }

    private Endpoint create(String address, EndpointTarget target, Endpoint.State state) {
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
        var builder = Grpc.newChannelBuilderForAddress(host, target.port(), credentials)
                .keepAliveTime(30, TimeUnit.SECONDS).keepAliveWithoutCalls(false)
                .maxInboundMessageSize(64 * 1024 * 1024);
        if (settings.tls().authority() != null) builder.overrideAuthority(settings.tls().authority());
        else if (target.discovered()) builder.overrideAuthority(EndpointTarget.address(target.host(), target.port())); // TLS checks the name, not the IP
        ManagedChannel channel = builder.build();
        var stub = MutinyPipelineServiceGrpc.newMutinyStub(channel).withInterceptors(auth);
        Endpoint endpoint = new Endpoint(address, target, state, channel, stub, e -> guard(e, settings, this));
        meters.put(endpoint, List.of(
                Telemetry.breakerState(address, () -> switch (endpoint.breaker()) {
                    case CLOSED -> 0;
                    case HALF_OPEN -> 1;
                    case OPEN -> 2;
                }),
                Telemetry.endpointHealthy(address, () -> endpoint.healthy() ? 1 : 0)));
        return endpoint;
    }

    /** Left DNS: no new segments; the channel closes once its in-flight segments finish (or after timeout_ms they fail over). */
    private void retire(Endpoint e) {
        members.remove(e.address());
        e.state(Endpoint.State.RETIRED);
        LOG.infof("endpoint %s left %s (%d segment(s) in flight)", e.address(), e.target(), e.inflight());
        List<Meter> m = meters.remove(e);
        if (m != null) m.forEach(Telemetry::remove);
        long deadline = System.nanoTime() + settings.timeoutMs() * 1_000_000;
        Runnable[] check = new Runnable[1];
        check[0] = () -> {
            if (e.inflight() == 0 || System.nanoTime() > deadline || closed) e.channel().shutdownNow(); // streams break: anything left fails over
            else scheduler.schedule(check[0], 100, TimeUnit.MILLISECONDS);
        };
        try {
            scheduler.execute(check[0]);
        } catch (java.util.concurrent.RejectedExecutionException ex) {
            e.channel().shutdownNow();
        }
    }

    private synchronized void rebuild() {
        List<Endpoint> joined = members.values().stream().filter(e -> e.state() == Endpoint.State.ACTIVE).toList();
        all = joined;
        usable = joined.stream().filter(Endpoint::available).toList();
    }

    private int count(EndpointTarget t, Endpoint.State state) {
        synchronized (this) {
            return (int) members.values().stream().filter(e -> e.target().equals(t) && (state == null || e.state() == state)).count();
        }
    }

    // --- health and capabilities ---------------------------------------------------------------

    void probeAll() {
        long n = probes.incrementAndGet();
        List<Endpoint> current;
        synchronized (this) {
            current = List.copyOf(members.values());
        }
        for (Endpoint e : current) {
            probe(e);
            if (n % DESCRIBE_EVERY_PROBES == 0 && e.state() == Endpoint.State.ACTIVE && e.healthy()) describe(e);
        }
    }

    private void probe(Endpoint e) {
        if (closed) return;
        e.reconnectNow();
        var future = HealthGrpc.newFutureStub(e.channel()).withInterceptors(auth)
                .withDeadlineAfter(settings.healthTimeoutMs(), TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.newBuilder().setService(SERVICE).build());
        future.addListener(() -> {
            boolean ok;
            String why;
            try {
                var status = future.get().getStatus();
                ok = status == HealthCheckResponse.ServingStatus.SERVING;
                why = ok ? "" : "health check says " + status;
            } catch (java.util.concurrent.ExecutionException ex) {
                // a health server that does not track PipelineService answered: the server is up
                ok = ex.getCause() instanceof io.grpc.StatusRuntimeException s && s.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND;
                why = ok ? "" : EndpointStream.cause(ex.getCause(), settings.healthTimeoutMs());
            } catch (Exception ex) {
                ok = false;
                why = String.valueOf(ex);
            }
            if (!ok) {
                e.problem(why);
                if (why.startsWith(EndpointStream.UNREACHABLE)) connectionFailed(); // gone, maybe: re-resolve (not for NOT_SERVING)
                // a refused connection is definite; one probe without an answer (a first connect, a GC
                // pause) is not: it takes two in a row to take a serving endpoint out
                boolean timedOut = why.startsWith("no answer");
                if (timedOut && e.healthy() && e.state() == Endpoint.State.ACTIVE && e.missedProbes().incrementAndGet() < 2) return;
            } else {
                e.missedProbes().set(0);
            }
            if (ok != e.healthy()) LOG.infof("endpoint %s is now %s%s", e.address(), ok ? "SERVING" : "NOT_SERVING", ok ? "" : " (" + why + ")");
            e.healthy(ok);
            if (ok && e.state() == Endpoint.State.PENDING) {
                describe(e);
                e.state(Endpoint.State.ACTIVE);
                LOG.infof("endpoint %s joined (%s): SERVING", e.address(), e.target());
            }
            rebuild();
        }, Runnable::run);
    }

    /** Asks the worker what it serves; a worker without Describe (or one that fails it) is assumed to serve anything. */
    private void describe(Endpoint e) {
        var future = PipelineServiceGrpc.newFutureStub(e.channel()).withInterceptors(auth)
                .withDeadlineAfter(settings.healthTimeoutMs(), TimeUnit.MILLISECONDS)
                .describe(DescribeRequest.newBuilder().setOmitNodeTypes(true).build());
        future.addListener(() -> {
            try {
                Capabilities c = Capabilities.of(future.get());
                if (!c.equals(e.capabilities())) LOG.debugf("endpoint %s (%s, role %s) serves %s", e.address(), c.serverId(), c.role(), c);
                e.capabilities(c);
            } catch (Exception ignored) {
                // unknown: keep what we had; routing learns from the answers instead
            }
        }, Runnable::run);
    }

    // --- selection -----------------------------------------------------------------------------

    /** Per endpoint: breaker (failure_threshold consecutive endpoint failures open it) around a timeout. */
    private static TypedGuard<Uni<long[]>> guard(Endpoint e, RemoteSettings s, EndpointPool pool) {
        return TypedGuard.create(new TypeLiteral<Uni<long[]>>() {})
                .withCircuitBreaker()
                .requestVolumeThreshold(s.failureThreshold()).failureRatio(1.0)
                .delay(s.resetTimeoutMs(), ChronoUnit.MILLIS).successThreshold(s.successThreshold())
                // "this worker cannot run that pipeline" says nothing about the worker's health
                .when(t -> !(t instanceof RemoteCallException r) || r.endpointFault())
                .onStateChange(state -> {
                    e.breaker(state);
                    LOG.infof("endpoint %s: circuit breaker %s", e.address(), state);
                    pool.rebuild();
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

    /** Every member's state, for `GET /status`. */
    List<RemoteStatus.EndpointStatus> status() {
        List<RemoteStatus.EndpointStatus> out = new ArrayList<>();
        for (Endpoint e : endpoints()) {
            out.add(new RemoteStatus.EndpointStatus(e.target().toString(), e.address(), e.state().name(), e.healthy(), e.breaker().name(),
                    Math.round(e.latencyMs() * 10) / 10.0, e.inflight(), e.problem()));
        }
        return out;
    }

    /** Every member, joined or not (for tests and status). */
    List<Endpoint> endpoints() {
        synchronized (this) {
            return List.copyOf(members.values());
        }
    }

    /**
     * The strategy's pick among usable endpoints that may serve {@code key}/{@code pipeline} and
     * are not in {@code exclude}; null when there is none.
     */
    Endpoint choose(Strategy strategy, Collection<Endpoint> exclude, String key, String pipeline) {
        List<Endpoint> candidates = usable.stream().filter(e -> e.available() && !exclude.contains(e) && e.canServe(key, pipeline)).toList();
        return strategy.pick(candidates, all, rotation);
    }

    /** Whether any joined endpoint may serve the pipeline (whatever its health): false means no worker in the group can. */
    boolean anyCanServe(String key, String pipeline) {
        return all.stream().anyMatch(e -> e.canServe(key, pipeline));
    }

    /** True when no joined endpoint exists at all (nothing resolved, or everything still joining). */
    boolean noneJoined() {
        return all.isEmpty();
    }

    /** One line per endpoint for error messages: "10.0.1.7:50051 NOT_SERVING, breaker CLOSED (connection refused); …". */
    String describe() {
        List<String> parts = new ArrayList<>();
        for (Endpoint e : endpoints()) parts.add(e.address() + " " + e.describeState());
        discoveryProblems.forEach((t, why) -> parts.add(t + ": " + why));
        if (parts.isEmpty()) parts.add("no endpoints: " + String.join(", ", targets.stream().map(Object::toString).toList())
                + " resolved to no address");
        return String.join("; ", parts);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        periodic.forEach(f -> f.cancel(false)); // the timer is shared: stop only this pool's tasks
        endpoints().forEach(e -> e.channel().shutdownNow());
        meters.values().forEach(m -> m.forEach(Telemetry::remove));
        meters.clear();
        targetMeters.forEach(Telemetry::remove);
    }
}
