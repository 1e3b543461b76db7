package dev.remotemedia.remote;

import dev.remotemedia.grpc.FrameCodec;
import dev.remotemedia.grpc.v1.DataFrame;
import dev.remotemedia.grpc.v1.EndOfInput;
import dev.remotemedia.grpc.v1.ImageFormat;
import dev.remotemedia.grpc.v1.OpenSession;
import dev.remotemedia.grpc.v1.StreamRequest;
import dev.remotemedia.grpc.v1.StreamResponse;
import dev.remotemedia.grpc.ErrorDetails;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.Frame;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The long-lived bidi stream of one session to one endpoint. Each attempt sends one frame and
 * waits for the results tagged with its request sequence, up to the {@code SegmentDone} marker.
 * A stream that fails fails every pending attempt (the dispatcher replays them elsewhere) and is
 * reopened transparently on the next send.
 */
final class EndpointStream {
    private final Endpoint endpoint;
    private final StreamRequest open;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private UnicastProcessor<StreamRequest> requests;
    private Cancellable subscription;
    private volatile String serverId = "";

    /** processingMs[0]: server time; firstResultNanos[0]: when the first result arrived (0 = none yet). */
    private record Pending(List<Frame> results, CompletableFuture<List<Frame>> done, long[] processingMs, long[] firstResultNanos) {}

    private final ImageFormat images;

    EndpointStream(Endpoint endpoint, OpenSession open, ImageFormat images) {
        this.endpoint = endpoint;
        this.images = images;
        this.open = StreamRequest.newBuilder().setOpen(open).build();
    }

    String serverId() { return serverId; }

    /** Sends one unit of work; the Uni completes with its results once the marker arrives. */
    Uni<long[]> sendAndAwait(Frame unit, int segmentId, List<Frame> sink, Map<String, String> traceContext) {
        long seq;
        Pending p;
        synchronized (this) {
            if (requests == null) connect();
            seq = sequence.incrementAndGet();
            p = new Pending(new ArrayList<>(), new CompletableFuture<>(), new long[1], new long[1]);
            pending.put(seq, p);
            DataFrame frame = FrameCodec.builder(unit, seq, images).setSegmentId(segmentId).putAllTraceContext(traceContext).build();
            requests.onNext(StreamRequest.newBuilder().setFrame(frame).build());
        }
        return Uni.createFrom().completionStage(p.done())
                .map(results -> {
                    sink.addAll(results);
                    return new long[] {p.processingMs()[0], p.firstResultNanos()[0]};
                })
                .onCancellation().invoke(() -> pending.remove(seq))
                .onFailure().invoke(() -> pending.remove(seq));
    }

    private void connect() {
        UnicastProcessor<StreamRequest> req = UnicastProcessor.create();
        req.onNext(open);
        requests = req;
        subscription = endpoint.stub().stream(req).subscribe().with(this::onResponse, e -> onBroken(req, e), () -> onBroken(req, null));
    }

    private void onResponse(StreamResponse r) {
        switch (r.getMsgCase()) {
            case READY -> serverId = r.getReady().getServerId();
            case RESULT -> {
                Pending p = pending.get(r.getResult().getSequence());
                if (p != null) {
                    if (p.firstResultNanos()[0] == 0) p.firstResultNanos()[0] = System.nanoTime();
                    try {
                        p.results().add(FrameCodec.decode(r.getResult()));
                    } catch (IllegalArgumentException e) {
                        fail(r.getResult().getSequence(), new RemoteCallException(ErrorKind.RemoteExecutionFailed,
                                endpoint.address() + " sent an undecodable result: " + e.getMessage(), true));
                    }
                }
            }
            case SEGMENT_DONE -> {
                Pending p = pending.remove(r.getSegmentDone().getRequestSequence());
                if (p != null) {
                    p.processingMs()[0] = r.getSegmentDone().getProcessingMs();
                    p.done().complete(p.results());
                }
            }
            case ERROR -> {
                var e = r.getError();
                if (e.getRequestSequence() != 0) {
                    boolean badInput = ErrorKind.InvalidInput.name().equals(e.getKind());
                    fail(e.getRequestSequence(), new RemoteCallException(ErrorKind.RemoteExecutionFailed,
                            endpoint.address() + ": " + e.getMessage(), !badInput));
                }
            }
            default -> { }
        }
    }

    private void fail(long seq, RuntimeException e) {
        Pending p = pending.remove(seq);
        if (p != null) p.done().completeExceptionally(e);
    }

    /** The stream ended or failed: every pending attempt fails, the next send reconnects. */
    private void onBroken(UnicastProcessor<StreamRequest> which, Throwable e) {
        synchronized (this) {
            if (requests == which) requests = null;
        }
        RemoteCallException failure = classify(endpoint.address(), e);
        for (Long seq : List.copyOf(pending.keySet())) fail(seq, failure);
    }

    static RemoteCallException classify(String address, Throwable e) {
        if (e == null) return new RemoteCallException(ErrorKind.RemoteExecutionFailed, address + " closed the stream", true);
        if (e instanceof StatusRuntimeException s) {
            Status.Code c = s.getStatus().getCode();
            String description = s.getStatus().getDescription() == null ? "" : s.getStatus().getDescription();
            String what = address + ": " + c + (description.isEmpty() ? "" : " " + description);
            // the kind travels as a google.rpc.ErrorInfo detail; servers before it sent none
            var info = ErrorDetails.info(e); // the trailers, parsed once
            ErrorKind named = info.flatMap(ErrorDetails::kind).orElse(null);
            if (named == ErrorKind.ManifestFetchFailed) return new RemoteCallException(ErrorKind.ManifestFetchFailed, what, false);
            // this worker cannot run the pipeline (no model here, not in its allow-list, no such
            // pipeline here): another worker of the group may — skip this one, not a fault of it
            if (c == Status.Code.UNIMPLEMENTED || info.map(ErrorDetails::notServedHere).orElse(false)) {
                ErrorKind kind = named == ErrorKind.ModelUnavailable ? ErrorKind.ModelUnavailable : ErrorKind.RemoteExecutionFailed;
                return new RemoteCallException(kind, what, RemoteCallException.Scope.NOT_SERVED_HERE);
            }
            return switch (c) {
                case UNAUTHENTICATED, PERMISSION_DENIED -> new RemoteCallException(ErrorKind.Unauthenticated, what, false);
                case INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION ->
                        new RemoteCallException(ErrorKind.RemoteExecutionFailed, what, false);
                case DEADLINE_EXCEEDED -> new RemoteCallException(ErrorKind.RemoteTimeout, what, true);
                case UNAVAILABLE -> new RemoteCallException(ErrorKind.RemoteExecutionFailed, address + ": " + cause(e, 0), true);
                default -> new RemoteCallException(ErrorKind.RemoteExecutionFailed, what, true);
            };
        }
        return new RemoteCallException(ErrorKind.RemoteExecutionFailed, address + ": " + e, true);
    }

    /** How {@link #cause} words a connection that could not be made (probes and failover re-resolve on it). */
    static final String UNREACHABLE = "unreachable: ";

    /**
     * The real cause of a failed call or probe in words: "unreachable: connection refused",
     * "no answer within 2000 ms", "server is draining", … rather than grpc's "UNAVAILABLE: io exception".
     */
    static String cause(Throwable e, long deadlineMs) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) return UNREACHABLE + "connection refused";
            if (t instanceof java.net.NoRouteToHostException) return UNREACHABLE + "no route to host";
            if (t instanceof java.net.UnknownHostException) return UNREACHABLE + "unknown host " + t.getMessage();
            if (t instanceof java.net.SocketTimeoutException) return UNREACHABLE + "connect timed out";
            if (t.getClass().getSimpleName().contains("ConnectTimeout")) return UNREACHABLE + "connect timed out";
        }
        if (e instanceof StatusRuntimeException s) {
            Status st = s.getStatus();
            if (st.getCode() == Status.Code.DEADLINE_EXCEEDED) return "no answer within " + (deadlineMs > 0 ? deadlineMs + " ms" : "the deadline");
            String d = st.getDescription() == null ? "" : st.getDescription();
            if (st.getCode() == Status.Code.UNAVAILABLE && st.getCause() != null) d = d + " (" + st.getCause().getMessage() + ")";
            return st.getCode() + (d.isEmpty() ? "" : " " + d);
        }
        return String.valueOf(e);
    }

    /** Ends the session on the server (END, then complete). */
    synchronized void close() {
        if (requests != null) {
            requests.onNext(StreamRequest.newBuilder().setEnd(EndOfInput.getDefaultInstance()).build());
            requests.onComplete();
            requests = null;
        }
        for (Long seq : List.copyOf(pending.keySet())) {
            fail(seq, new RemoteCallException(ErrorKind.RemoteExecutionFailed, "session closed", false));
        }
    }

    /** Drops the connection at once (used when the node closes abnormally). */
    synchronized void cancel() {
        if (subscription != null) subscription.cancel();
        requests = null;
    }
}
