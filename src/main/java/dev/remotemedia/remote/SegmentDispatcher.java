package dev.remotemedia.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remotemedia.grpc.v1.ManifestRef;
import dev.remotemedia.grpc.v1.OpenSession;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.telemetry.Telemetry;
import dev.remotemedia.telemetry.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.util.TypeLiteral;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import io.smallrye.mutiny.subscription.Cancellable;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers one session's segments to the pool, composed from the outside in:
 * <ol>
 *   <li>retry (SmallRye FT): up to {@code max_retries} more rounds, exponential backoff with jitter, capped;</li>
 *   <li>a failover round: every available endpoint once, in strategy order, without waiting;</li>
 *   <li>optional hedge: a second copy to another endpoint after {@code hedge_after_ms}, first answer wins;</li>
 *   <li>per endpoint (SmallRye FT): circuit breaker around a timeout, around the session's stream.</li>
 * </ol>
 * A segment is kept until its end-of-segment marker arrives, so any failure replays it; its
 * results are delivered once, from the one attempt that completed.
 */
final class SegmentDispatcher implements AutoCloseable {
    private final EndpointPool pool;
    private final RemoteSettings settings;
    private final OpenSession open;
    private final Map<Endpoint, EndpointStream> streams = new ConcurrentHashMap<>();
    private final TypedGuard<Uni<Outcome>> retry;
    private final String key;
    private final java.util.concurrent.ScheduledExecutorService timer; // hedge delays

    /** Thrown when a round found no endpoint that could take the segment; the message lists why each failed. */
    static final class RoundFailed extends RuntimeException {
        RoundFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** What a segment produced: its outcome, or the final failure; plus failover notes. */
    record Delivery(Outcome outcome, RuntimeException failure, List<EventFrame> notes, int attempts) {}

    SegmentDispatcher(EndpointPool pool, RemoteSettings settings, String sessionId, java.util.concurrent.ScheduledExecutorService timer) {
        this.pool = pool;
        this.timer = timer;
        this.settings = settings;
        this.key = settings.capabilityKey();
        ManifestRef.Builder ref = ManifestRef.newBuilder();
        if (settings.inlineManifest() != null) ref.setInlineJson(settings.inlineManifest());
        else if (settings.manifestUrl() != null) ref.setManifestUrl(settings.manifestUrl());
        else ref.setPipeline(settings.pipeline());
        this.open = OpenSession.newBuilder().setManifest(ref).setClientSessionId(sessionId).build();
        long backoff = Math.max(1, settings.backoffMs());
        this.retry = TypedGuard.create(new TypeLiteral<Uni<Outcome>>() {})
                .withRetry().maxRetries(settings.maxRetries()).delay(backoff, ChronoUnit.MILLIS).onRetry(Telemetry::retry)
                .jitter(backoff / 2, ChronoUnit.MILLIS).maxDuration(0, ChronoUnit.MILLIS)
                .whenException(t -> !(t instanceof RemoteCallException r) || r.retryable())
                .withExponentialBackoff().factor(2).maxDelay(Math.min(30_000, backoff * 16), ChronoUnit.MILLIS).done()
                .done()
                .withThreadOffload(false)
                .build();
    }

    /**
     * Starts delivering {@code unit} now; the future completes once, with results or the final failure.
     *
     * @param segmentId the unit's id on the wire
     * @param about     the unit as the client knows it ({"segment": n} or {"frame": n}), for failover notes
     */
    CompletableFuture<Delivery> dispatch(Frame unit, int segmentId, ObjectNode about, Context trace) {
        List<EventFrame> notes = new ArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        return retry.get(() -> Uni.createFrom().deferred(() -> round(unit, segmentId, about, notes, attempts, trace)))
                .map(o -> new Delivery(o, null, notes, attempts.get()))
                .onFailure().recoverWithItem(e -> new Delivery(null, (RuntimeException) e, notes, attempts.get()))
                .subscribeAsCompletionStage();
    }

    /** One failover round: each available endpoint at most once, in strategy order. */
    private Uni<Outcome> round(Frame unit, int segmentId, ObjectNode about, List<EventFrame> notes, AtomicInteger attempts, Context trace) {
        Set<Endpoint> tried = new HashSet<>();
        List<RemoteCallException> failures = new ArrayList<>();
        return next(unit, segmentId, about, tried, failures, notes, attempts, trace);
    }

    private Uni<Outcome> next(Frame unit, int segmentId, ObjectNode about, Set<Endpoint> tried, List<RemoteCallException> failures,
                              List<EventFrame> notes, AtomicInteger attempts, Context trace) {
        Endpoint e = pool.choose(settings.strategy(), tried, key, settings.pipeline());
        if (e == null) return Uni.createFrom().failure(noEndpoint(failures));
        tried.add(e);
        attempts.incrementAndGet();
        Uni<Outcome> call = settings.hedgeAfterMs() > 0 ? hedged(e, unit, segmentId, tried, trace) : attempt(e, unit, segmentId, trace);
        return call.onFailure().recoverWithUni(t -> {
            RemoteCallException failure = typed(e, t);
            if (!failure.retryable()) return Uni.createFrom().failure(failure);
            if (failure.scope() == RemoteCallException.Scope.NOT_SERVED_HERE) {
                e.notServing(key, settings.resetTimeoutMs()); // skip it for this pipeline; its health is not in question
            } else {
                String msg = failure.getMessage();
                e.problem(msg.startsWith(e.address() + ": ") ? msg.substring(e.address().length() + 2) : msg);
                if (msg.contains(EndpointStream.UNREACHABLE)) pool.connectionFailed();
            }
            Telemetry.failover(e.address(), failure.kind().name());
            failures.add(failure);
            synchronized (notes) {
                notes.add(new EventFrame("failover", unit.tMs(), about.deepCopy()
                        .put("endpoint", e.address()).put("kind", failure.kind().name()).put("message", failure.getMessage())));
            }
            return next(unit, segmentId, about, tried, failures, notes, attempts, trace);
        });
    }

    /**
     * No endpoint left to try in this round. When joined workers exist but none of them can run the
     * pipeline, retrying cannot help: a clear, final error. Otherwise the round failed (retried after backoff).
     */
    private RuntimeException noEndpoint(List<RemoteCallException> failures) {
        if (!pool.noneJoined() && !pool.anyCanServe(key, settings.pipeline())) {
            List<String> why = failures.stream().filter(f -> f.scope() == RemoteCallException.Scope.NOT_SERVED_HERE)
                    .map(Throwable::getMessage).toList();
            return new RemoteCallException(ErrorKind.AllEndpointsFailed, "no endpoint in the group can serve " + settings.what()
                    + (why.isEmpty() ? " (none advertises it)" : ": " + String.join("; ", why))
                    + "; endpoints: " + pool.describe(), RemoteCallException.Scope.FATAL);
        }
        if (failures.isEmpty()) return new RoundFailed("no endpoint available (" + pool.describe() + ")");
        return new RoundFailed(String.join("; ", failures.stream().map(Throwable::getMessage).toList()));
    }

    /** One attempt on one endpoint, through its breaker and timeout. */
    private Uni<Outcome> attempt(Endpoint e, Frame unit, int segmentId, Context trace) {
        return Uni.createFrom().deferred(() -> {
            List<Frame> results = new ArrayList<>();
            long t0 = System.nanoTime();
            Span span = Telemetry.tracer().spanBuilder("remotemedia.remote.attempt").setParent(trace).setSpanKind(SpanKind.CLIENT)
                    .setAttribute("remotemedia.endpoint", e.address()).setAttribute("remotemedia.segment", segmentId).startSpan();
            Map<String, String> carrier = TraceContext.inject(trace.with(span));
            e.inflightCounter().incrementAndGet();
            e.reconnectNow();
            streams.keySet().removeIf(k -> k.state() == Endpoint.State.RETIRED); // its channel closes; the stream goes with it
            EndpointStream stream = streams.computeIfAbsent(e, k -> new EndpointStream(k, open, settings.imageFormat()));
            return e.guard().get(() -> stream.sendAndAwait(unit, segmentId, results, carrier))
                    .onFailure().invoke(err -> {
                        Telemetry.remoteRequest(e.address(), outcome(err), Duration.ofNanos(System.nanoTime() - t0));
                        span.setStatus(StatusCode.ERROR, outcome(err));
                    })
                    .onTermination().invoke(span::end)
                    .map(processing -> {
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        e.recordLatency((System.nanoTime() - t0) / 1e6); // fractional: sub-ms loopback answers must not all read 0
                        Telemetry.remoteRequest(e.address(), "success", Duration.ofNanos(System.nanoTime() - t0));
                        long now = System.nanoTime();
                        return new Outcome(List.copyOf(results), e.address(), stream.serverId(), ms, processing[0], t0,
                                processing[1] == 0 ? now : processing[1], now);
                    })
                    .onTermination().invoke(() -> e.inflightCounter().decrementAndGet());
        });
    }

    /** Primary attempt plus, after hedge_after_ms without an answer, a copy to another endpoint; first success wins. */
    private Uni<Outcome> hedged(Endpoint primary, Frame unit, int segmentId, Set<Endpoint> tried, Context trace) {
        return Uni.createFrom().emitter(em -> {
            AtomicInteger running = new AtomicInteger(1);
            List<Cancellable> subscriptions = new CopyOnWriteArrayList<>();
            Consumer<Throwable> failed = err -> {
                if (running.decrementAndGet() == 0) em.fail(err); // fail only when every copy failed
            };
            subscriptions.add(attempt(primary, unit, segmentId, trace).subscribe().with(em::complete, failed));
            subscriptions.add(Uni.createFrom().voidItem().onItem().delayIt().onExecutor(timer).by(Duration.ofMillis(settings.hedgeAfterMs()))
                    .subscribe().with(v -> {
                        Endpoint other = pool.choose(settings.strategy(), Set.of(primary), key, settings.pipeline());
                        if (other == null || running.get() == 0) return;
                        synchronized (tried) {
                            tried.add(other);
                        }
                        running.incrementAndGet();
                        Telemetry.hedge();
                        subscriptions.add(attempt(other, unit, segmentId, trace).subscribe().with(em::complete, failed));
                    }));
            em.onTermination(() -> subscriptions.forEach(Cancellable::cancel));
        });
    }

    private static String outcome(Throwable t) {
        if (t instanceof TimeoutException) return "timeout";
        if (t instanceof CircuitBreakerOpenException) return "breaker_open";
        return "error";
    }

    static RemoteCallException typed(Endpoint e, Throwable t) {
        if (t instanceof RemoteCallException r) return r;
        if (t instanceof TimeoutException) {
            return new RemoteCallException(ErrorKind.RemoteTimeout, e.address() + ": no answer within the timeout", true);
        }
        if (t instanceof CircuitBreakerOpenException) {
            return new RemoteCallException(ErrorKind.CircuitBreakerOpen, e.address() + ": circuit breaker open", true);
        }
        return EndpointStream.classify(e.address(), t);
    }

    /** The error event for a unit ({"segment": n} or {"frame": n}) that no round could deliver. */
    static EventFrame finalError(Throwable failure, ObjectNode about, long tMs, String nodeId, int attempts) {
        String unit = about.has("frame") ? "frame " + about.path("frame").asInt() : "segment " + about.path("segment").asInt();
        if (failure instanceof RemoteCallException r) {
            return Events.error(r.kind(), nodeId, unit + ": " + r.getMessage(), tMs, about);
        }
        return Events.error(ErrorKind.AllEndpointsFailed, nodeId, unit + ": all endpoints failed after "
                + attempts + " attempt(s): " + failure.getMessage(), tMs, about);
    }

    @Override
    public void close() {
        streams.values().forEach(EndpointStream::close);
        streams.clear();
    }
}
