package dev.remotemedia.remote;

import dev.remotemedia.grpc.v1.MutinyPipelineServiceGrpc;
import io.grpc.ManagedChannel;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One remote instance (one address): its channel, its circuit breaker + timeout guard (SmallRye FT,
 * built from the manifest's params), its health as last probed, what it serves, in-flight segments
 * and peak-EWMA latency. Discovered endpoints are {@link State#PENDING} until a health check says
 * SERVING, and {@link State#RETIRED} once their address leaves DNS.
 */
final class Endpoint {
    enum State { PENDING, ACTIVE, RETIRED }

    private final String address;
    private final EndpointTarget target;
    private final ManagedChannel channel;
    private final MutinyPipelineServiceGrpc.MutinyPipelineServiceStub stub;
    private final TypedGuard<Uni<long[]>> guard;
    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicInteger missedProbes = new AtomicInteger();
    private final PeakEwma latency = new PeakEwma(1_000); // 1 s: a latency spike is forgotten within a few segments
    /** Pipelines (capability keys) this worker answered it cannot serve, until when (System.nanoTime). */
    private final Map<String, Long> notServed = new ConcurrentHashMap<>();
    private volatile State state;
    private volatile boolean healthy = true;
    private volatile CircuitBreakerState breaker = CircuitBreakerState.CLOSED;
    private volatile String problem = "";
    private volatile Capabilities capabilities = Capabilities.UNKNOWN;

    Endpoint(String address, EndpointTarget target, State state, ManagedChannel channel,
             MutinyPipelineServiceGrpc.MutinyPipelineServiceStub stub, Function<Endpoint, TypedGuard<Uni<long[]>>> guardFactory) {
        this.address = address;
        this.target = target;
        this.state = state;
        this.channel = channel;
        this.stub = stub;
        this.guard = guardFactory.apply(this);
    }

    String address() { return address; }

    /** The configured target this endpoint came from (a dns:/// name, or the host:port itself). */
    EndpointTarget target() { return target; }

    ManagedChannel channel() { return channel; }

    MutinyPipelineServiceGrpc.MutinyPipelineServiceStub stub() { return stub; }

    TypedGuard<Uni<long[]>> guard() { return guard; }

    int inflight() { return inflight.get(); }

    /**
     * A channel that lost its server waits out grpc's reconnect backoff (up to minutes) and fails
     * calls meanwhile; our own retry/probe schedule decides when to try, so skip that wait.
     */
    void reconnectNow() {
        if (channel.getState(false) == io.grpc.ConnectivityState.TRANSIENT_FAILURE) channel.resetConnectBackoff();
    }

    AtomicInteger inflightCounter() { return inflight; }

    /** Consecutive health probes that got no answer in time. */
    AtomicInteger missedProbes() { return missedProbes; }

    /** Least-latency cost: peak-EWMA latency (decayed to now) weighted by load. */
    double latencyCost() { return latency.get() * (inflight.get() + 1); }

    void recordLatency(double ms) { latency.record(ms); }

    double latencyMs() { return latency.get(); }

    State state() { return state; }

    void state(State value) { state = value; }

    boolean healthy() { return healthy; }

    void healthy(boolean value) { healthy = value; }

    CircuitBreakerState breaker() { return breaker; }

    void breaker(CircuitBreakerState state) { breaker = state; }

    /** The last thing that went wrong with this endpoint, in words ("connection refused"); empty when none. */
    String problem() { return problem; }

    void problem(String value) { problem = value == null ? "" : value; }

    Capabilities capabilities() { return capabilities; }

    void capabilities(Capabilities value) {
        capabilities = value;
        notServed.keySet().removeIf(k -> !value.anyPipeline() && value.pipelines().contains(k)); // it says it serves it now
    }

    /** Taken into account by the strategies: joined, healthy and breaker not open. */
    boolean available() { return state == State.ACTIVE && healthy && breaker != CircuitBreakerState.OPEN; }

    /** Whether this worker may run {@code pipeline} (its capability key): advertised, and not refused recently. */
    boolean canServe(String key, String pipeline) {
        Long until = notServed.get(key);
        if (until != null) {
            if (System.nanoTime() < until) return false;
            notServed.remove(key, until);
        }
        return capabilities.advertises(pipeline);
    }

    /** The worker answered it cannot serve {@code key}: skip it for that pipeline for {@code forMs}. */
    void notServing(String key, long forMs) {
        notServed.put(key, System.nanoTime() + forMs * 1_000_000);
    }

    /** In words, for error messages: "SERVING, breaker CLOSED", "NOT_SERVING, breaker CLOSED (unreachable: connection refused)". */
    String describeState() {
        String s = switch (state) {
            case PENDING -> "joining (waiting for SERVING)";
            case RETIRED -> "left DNS";
            case ACTIVE -> healthy ? "SERVING" : "NOT_SERVING";
        };
        s += ", breaker " + breaker;
        if (!problem.isEmpty() && (!healthy || breaker != CircuitBreakerState.CLOSED)) s += " (" + problem + ")";
        return s;
    }

    @Override
    public String toString() { return address; }
}
