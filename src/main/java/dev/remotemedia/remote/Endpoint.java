package dev.remotemedia.remote;

import dev.remotemedia.grpc.v1.MutinyPipelineServiceGrpc;
import io.grpc.ManagedChannel;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One remote instance: its channel, its circuit breaker + timeout guard (SmallRye FT, built from the
 * manifest's params), its health as last probed, in-flight segments and peak-EWMA latency.
 */
final class Endpoint {
    private final String address;
    private final ManagedChannel channel;
    private final MutinyPipelineServiceGrpc.MutinyPipelineServiceStub stub;
    private final TypedGuard<Uni<long[]>> guard;
    private final AtomicInteger inflight = new AtomicInteger();
    private final PeakEwma latency = new PeakEwma(1_000); // 1 s: a latency spike is forgotten within a few segments
    private volatile boolean healthy = true;
    private volatile CircuitBreakerState breaker = CircuitBreakerState.CLOSED;

    Endpoint(String address, ManagedChannel channel, MutinyPipelineServiceGrpc.MutinyPipelineServiceStub stub,
             java.util.function.Function<Endpoint, TypedGuard<Uni<long[]>>> guardFactory) {
        this.address = address;
        this.channel = channel;
        this.stub = stub;
        this.guard = guardFactory.apply(this);
    }

    String address() { return address; }

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

    /** Least-latency cost: peak-EWMA latency weighted by load. */
    double latencyCost() { return latency.get() * (inflight.get() + 1); }

    void recordLatency(double ms) { latency.record(ms); }

    double latencyMs() { return latency.get(); }

    boolean healthy() { return healthy; }

    void healthy(boolean value) { healthy = value; }

    CircuitBreakerState breaker() { return breaker; }

    void breaker(CircuitBreakerState state) { breaker = state; }

    /** Taken into account by the strategies: healthy and breaker not open. */
    boolean available() { return healthy && breaker != CircuitBreakerState.OPEN; }

    String state() {
        return (healthy ? "SERVING" : "NOT_SERVING") + ", breaker " + breaker;
    }

    @Override
    public String toString() { return address; }
}
