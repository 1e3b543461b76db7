package dev.remotemedia.grpc;

import dev.remotemedia.grpc.v1.Capacity;
import dev.remotemedia.grpc.v1.Closed;
import dev.remotemedia.grpc.v1.DataFrame;
import dev.remotemedia.grpc.v1.DescribeResponse;
import dev.remotemedia.grpc.v1.Error;
import dev.remotemedia.grpc.v1.ExecuteRequest;
import dev.remotemedia.grpc.v1.ExecuteResponse;
import dev.remotemedia.grpc.v1.ManifestRef;
import dev.remotemedia.grpc.v1.Load;
import dev.remotemedia.grpc.v1.NodeTypeInfo;
import dev.remotemedia.grpc.v1.PipelineInfo;
import dev.remotemedia.grpc.v1.Ready;
import dev.remotemedia.grpc.v1.SegmentDone;
import dev.remotemedia.grpc.v1.StreamRequest;
import dev.remotemedia.grpc.v1.StreamResponse;
import dev.remotemedia.manifest.Manifest;
import dev.remotemedia.manifest.ManifestException;
import dev.remotemedia.manifest.ManifestFetchException;
import dev.remotemedia.manifest.ManifestResolver;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.NodeTypeJson;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.PipelineGraph;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.telemetry.Telemetry;
import dev.remotemedia.telemetry.TraceContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transport-independent body of {@code PipelineService}: used by the Quarkus gRPC service and
 * by plain grpc-java servers (tests, tools). A stream opens a session with a manifest, then each
 * frame with a segment id is one unit of work: it runs through the pipeline, its results go back
 * tagged with the request's sequence, and a {@code SegmentDone} marker closes it. Units of a
 * stream run in order; streams run independently.
 */
public final class StreamHandler {
    private static final Logger LOG = Logger.getLogger(StreamHandler.class);

    private final PipelineEngine engine;
    private final ManifestResolver resolver;
    private final ServerLimits limits;
    private final AtomicInteger activeStreams = new AtomicInteger();
    /** Segments received and not yet answered (queued behind their stream's previous segment, or running). */
    private final AtomicInteger inflight = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.Set<String> warm = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Named pipelines whose last open failed for a missing model: not advertised until one opens again. */
    private final java.util.Set<String> unavailable = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final io.micrometer.core.instrument.Timer queueWait = Telemetry.queueWait();
    private volatile double queueWaitEwmaMs;
    private final AtomicLong streamIds = new AtomicLong();
    private volatile boolean draining;
    private volatile boolean warmedUp = true;

    public StreamHandler(PipelineEngine engine, ManifestResolver resolver, ServerLimits limits) {
        this.engine = engine;
        this.resolver = resolver;
        this.limits = limits;
        Telemetry.grpcStreams(activeStreams::get);
        Telemetry.segmentsInflight(inflight::get);
    }

    /** False while warm-up pipelines load (set by the server at start), true once they are. */
    public void warm(boolean value) {
        warmedUp = value;
    }

    /** Readiness for load balancers that read only a status code: UNAVAILABLE while warming up or draining. */
    public Uni<dev.remotemedia.grpc.v1.ReadyResponse> ready() {
        if (draining) return Uni.createFrom().failure(status(Status.UNAVAILABLE, ErrorKind.Unavailable, "draining"));
        if (!warmedUp) return Uni.createFrom().failure(status(Status.UNAVAILABLE, ErrorKind.Unavailable, "warming up (remotemedia.grpc.warmup-pipelines)"));
        return Uni.createFrom().item(dev.remotemedia.grpc.v1.ReadyResponse.newBuilder().setServerId(ServerIdentity.id()).setRole(limits.role()).build());
    }

    /** A warm-up pipeline is loaded: Describe says so. */
    public void warmed(String pipeline) {
        warm.add(pipeline);
    }

    public int activeStreams() { return activeStreams.get(); }

    /** Segments received and not yet answered. */
    public int activeUnits() { return inflight.get(); }

    /** Stop accepting streams; running units finish (see {@link #awaitIdle}). */
    public void drain() { draining = true; }

    public boolean draining() { return draining; }

    /**
     * The engine has shut down under a stream still open (a server outliving its stop): its segments
     * are refused like a draining server's — retryable, so clients fail over — not failed as
     * NodeFailed by a terminated thread pool.
     */
    private boolean stopped() { return engine.worker().isShutdown(); }

    /** Waits until no unit is running or the timeout passes; true when idle. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inflight.get() > 0 && System.nanoTime() < deadline) TimeUnit.MILLISECONDS.sleep(20);
        return inflight.get() == 0;
    }

    public Multi<StreamResponse> stream(Multi<StreamRequest> requests) {
        return Multi.createFrom().deferred(() -> {
            if (draining) return Multi.createFrom().failure(status(Status.UNAVAILABLE, ErrorKind.Unavailable, "server is draining; use another endpoint"));
            if (activeStreams.incrementAndGet() > limits.maxStreams()) {
                activeStreams.decrementAndGet();
                return Multi.createFrom().failure(status(Status.RESOURCE_EXHAUSTED, ErrorKind.CapacityExceeded,
                        "CapacityExceeded: " + limits.maxStreams() + " streams already open (remotemedia.grpc.max-streams)"));
            }
            ServerStream s = new ServerStream("s" + streamIds.incrementAndGet());
            Multi<StreamRequest> in = limits.idleTimeout().isZero() ? requests
                    : requests.ifNoItem().after(limits.idleTimeout()).failWith(() -> status(Status.DEADLINE_EXCEEDED, ErrorKind.InvalidInput,
                    "stream idle for " + limits.idleTimeout().toMillis() + " ms (remotemedia.grpc.idle-timeout-ms)"));
            return in.onItem().invoke(s::arrived).onItem().transformToMulti(s::handle).concatenate()
                    .onTermination().invoke(() -> {
                        activeStreams.decrementAndGet();
                        s.dropQueued();
                    });
        });
    }

    /** One client stream: its manifest and the units it sent. Touched by one request at a time (concatenate). */
    private final class ServerStream {
        private final String id;
        private Manifest manifest;
        private String pipelineTag = "inline"; // metrics: the named pipeline, or inline / url (bounded tags)
        private PipelineGraph graph; // derived once per stream, not per segment
        /** Arrival times of segments not started yet (units of a stream run one after another). */
        private final java.util.concurrent.ConcurrentLinkedQueue<Long> arrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();

        ServerStream(String id) { this.id = id; }

        /** On receipt, before the segment waits for its turn: counted in flight, its queue wait starts. */
        void arrived(StreamRequest req) {
            if (req.getMsgCase() != StreamRequest.MsgCase.FRAME) return;
            arrivals.add(System.nanoTime());
            inflight.incrementAndGet();
        }

        /** The stream ended with segments still waiting: they will never run. */
        void dropQueued() {
            while (arrivals.poll() != null) inflight.decrementAndGet();
        }

        Multi<StreamResponse> handle(StreamRequest req) {
            return switch (req.getMsgCase()) {
                case OPEN -> open(req);
                case FRAME -> {
                    if (manifest == null) yield Multi.createFrom().failure(status(Status.FAILED_PRECONDITION, ErrorKind.InvalidInput, "the first message must be open"));
                    yield unit(req.getFrame());
                }
                case END -> Multi.createFrom().item(StreamResponse.newBuilder().setClosed(Closed.newBuilder().setReason("end of input")).build());
                case MSG_NOT_SET -> Multi.createFrom().failure(status(Status.INVALID_ARGUMENT, ErrorKind.InvalidInput, "empty StreamRequest"));
            };
        }

        private Multi<StreamResponse> open(StreamRequest req) {
            if (manifest != null) return Multi.createFrom().failure(status(Status.FAILED_PRECONDITION, ErrorKind.InvalidInput, "session already open"));
            ManifestRef ref = req.getOpen().getManifest();
            String named = ref.getSourceCase() == ManifestRef.SourceCase.PIPELINE ? ref.getPipeline() : null;
            if (named != null && !limits.pipelines().isEmpty() && !limits.pipelines().contains(named)) {
                // another worker of the fleet may serve it: UNIMPLEMENTED tells the client to go there
                return Multi.createFrom().failure(ErrorDetails.status(Status.UNIMPLEMENTED, ErrorKind.ModelUnavailable, "pipeline \"" + named + "\" is not served by this worker (role "
                        + limits.role() + "; serves " + String.join(", ", limits.pipelines()) + "; remotemedia.grpc.pipelines)", true));
            }
            return resolve(ref).map(m -> {
                PipelineGraph g = PipelineGraph.of(m);
                try {
                    engine.open(g, id).close(); // surface node errors (a missing model) now, not at the first segment
                } catch (PipelineException e) {
                    if (named != null && e.kind() == ErrorKind.ModelUnavailable) unavailable.add(named);
                    throw e;
                }
                if (named != null) unavailable.remove(named);
                manifest = m;
                pipelineTag = named != null ? named : ref.getSourceCase() == ManifestRef.SourceCase.MANIFEST_URL ? "url" : "inline";
                graph = g;
                dev.remotemedia.telemetry.LogContext.run(req.getOpen().getClientSessionId(), 0,
                        () -> LOG.debugf("stream %s opened with %s (client session %s)", id, m.name(), req.getOpen().getClientSessionId()));
                return StreamResponse.newBuilder().setReady(Ready.newBuilder().setSessionId(id).setServerId(ServerIdentity.id())).build();
            }).onFailure().transform(StreamHandler::toStatus).toMulti();
        }

        private Multi<StreamResponse> unit(DataFrame frame) {
            // running units finish; this one (new, or queued behind them) goes to another worker now
            boolean stopped = stopped();
            if (draining || stopped) {
                if (arrivals.poll() != null) inflight.decrementAndGet();
                Telemetry.segmentServed(pipelineTag, "refused_draining");
                return Multi.createFrom().item(error(ErrorKind.Unavailable, "segment " + frame.getSegmentId() + ": " + ServerIdentity.id()
                        + (stopped ? " has stopped" : " is draining (shutting down)") + "; retry on another endpoint", frame.getSegmentId(), frame.getSequence()));
            }
            String problem = null;
            Frame input = null;
            if (frame.getSegmentId() == 0) {
                problem = "frame " + frame.getSequence() + ": segment_id must be set (each segment is one unit of work)";
            } else {
                try {
                    input = FrameCodec.decode(frame); // once: the unit runs on what was decoded here
                } catch (IllegalArgumentException e) {
                    problem = "segment " + frame.getSegmentId() + ": " + e.getMessage();
                }
            }
            if (problem != null) {
                if (arrivals.poll() != null) inflight.decrementAndGet();
                Telemetry.segmentServed(pipelineTag, "rejected");
                return Multi.createFrom().item(error(ErrorKind.InvalidInput, problem, frame.getSegmentId(), frame.getSequence()));
            }
            return run(frame, input);
        }

        private Multi<StreamResponse> run(DataFrame frame, Frame input) {
            long seq = frame.getSequence();
            long started = System.nanoTime();
            Long arrivedAt = arrivals.poll();
            if (arrivedAt != null) {
                long waited = started - arrivedAt;
                queueWait.record(waited, TimeUnit.NANOSECONDS);
                queueWaitEwmaMs = queueWaitEwmaMs * 0.9 + waited / 1e6 * 0.1;
            } else {
                inflight.incrementAndGet(); // (not counted on arrival: keeps the count balanced)
            }
            boolean[] failed = new boolean[1];
            String pipeline = pipelineTag;
            Span span = Telemetry.tracer().spanBuilder("remotemedia.remote.unit").setParent(TraceContext.extract(frame.getTraceContextMap()))
                    .setSpanKind(SpanKind.SERVER).setAttribute("remotemedia.segment", frame.getSegmentId())
                    .setAttribute("remotemedia.pipeline", manifest.name()).setAttribute("remotemedia.server", ServerIdentity.id()).startSpan();
            Multi<StreamResponse> results = engine.open(graph, id + "/" + frame.getSegmentId())
                    .run(Multi.createFrom().item(input))
                    .select().where(f -> f != input) // pass-through of the input is not a result
                    .map(f -> StreamResponse.newBuilder().setResult(FrameCodec.encode(f, seq)).build());
            Multi<StreamResponse> done = Multi.createFrom().item(() -> StreamResponse.newBuilder().setSegmentDone(
                    SegmentDone.newBuilder().setSegmentId(frame.getSegmentId()).setRequestSequence(seq)
                            .setProcessingMs((System.nanoTime() - started) / 1_000_000)).build());
            return Multi.createBy().concatenating().streams(results, done)
                    .onFailure().recoverWithItem(e -> {
                        failed[0] = true;
                        return error(ErrorKind.RemoteExecutionFailed, "segment " + frame.getSegmentId()
                                + " failed on " + ServerIdentity.id() + ": " + e.getMessage(), frame.getSegmentId(), seq);
                    })
                    .onTermination().invoke(() -> {
                        inflight.decrementAndGet();
                        served.incrementAndGet();
                        Telemetry.segmentServed(pipeline, failed[0] ? "error" : "ok");
                        Telemetry.segmentProcessing(pipeline, Duration.ofNanos(System.nanoTime() - started));
                        span.end();
                    });
        }
    }

    private Uni<Manifest> resolve(ManifestRef ref) {
        try {
            return switch (ref.getSourceCase()) {
                case INLINE_JSON -> Uni.createFrom().item(resolver.inline(ref.getInlineJson()));
                case PIPELINE -> Uni.createFrom().item(resolver.named(ref.getPipeline()));
                case MANIFEST_URL -> resolver.url(ref.getManifestUrl());
                case SOURCE_NOT_SET -> Uni.createFrom().failure(status(Status.INVALID_ARGUMENT, ErrorKind.ManifestInvalid,
                        "ManifestInvalid: open.manifest must set inline_json, manifest_url or pipeline"));
            };
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
    }

    public Uni<ExecuteResponse> execute(ExecuteRequest request) {
        return resolve(request.getManifest()).onItem().transformToUni(m -> {
            List<Frame> inputs;
            try {
                inputs = request.getInputsList().stream().map(FrameCodec::decode).toList();
            } catch (IllegalArgumentException e) {
                return Uni.createFrom().failure(status(Status.INVALID_ARGUMENT, ErrorKind.InvalidInput, "InvalidInput: " + e.getMessage()));
            }
            return engine.open(m, "execute-" + streamIds.incrementAndGet()).run(Multi.createFrom().iterable(inputs))
                    .select().where(f -> !inputs.contains(f)).collect().asList()
                    .map(outputs -> {
                        ExecuteResponse.Builder b = ExecuteResponse.newBuilder();
                        long seq = 0;
                        for (Frame f : outputs) {
                            if (f instanceof EventFrame e && e.type().equals("error")) {
                                b.addErrors(Error.newBuilder().setKind(e.fields().path("kind").asText())
                                        .setMessage(e.fields().path("message").asText()).setNodeId(e.fields().path("node").asText())
                                        .setSegmentId(Math.max(0, e.segment())));
                            }
                            b.addOutputs(FrameCodec.encode(f, ++seq));
                        }
                        return b.build();
                    });
        }).onFailure().transform(StreamHandler::toStatus);
    }

    public DescribeResponse describe(String version) {
        return describe(version, false);
    }

    /** What this instance is, serves and is doing; {@code omitNodeTypes} for the pools' periodic capability refresh. */
    public DescribeResponse describe(String version, boolean omitNodeTypes) {
        DescribeResponse.Builder b = DescribeResponse.newBuilder().setVersion(version == null ? "dev" : version)
                .setRole(limits.role()).setServerId(ServerIdentity.id())
                .setCapacity(Capacity.newBuilder().setMaxStreams(limits.maxStreams()).setActiveStreams(activeStreams.get()))
                .setServesAnyPipeline(limits.pipelines().isEmpty())
                .setLoad(Load.newBuilder().setSegmentsInflight(inflight.get()).setSegmentsServed(served.get()).setQueueWaitMsRecent(queueWaitEwmaMs));
        for (String p : limits.pipelines()) {
            if (!unavailable.contains(p)) b.addPipelines(PipelineInfo.newBuilder().setName(p).setWarm(warm.contains(p)));
        }
        if (!omitNodeTypes) {
            engine.registry().all().forEach(t -> b.addNodeTypes(NodeTypeInfo.newBuilder().setName(t.name())
                    .setDescription(t.description()).setParams(FrameCodec.struct(NodeTypeJson.schema(t.params())))));
        }
        // models only (shared services also hold endpoint pools, batchers and the model store)
        b.addAllLoadedModels(engine.shared().keys().stream().filter(k -> k.matches("(silero|whisper|kokoro|onnx):.*")).toList());
        return b.build();
    }

    private static StreamResponse error(ErrorKind kind, String message, int segment, long seq) {
        return StreamResponse.newBuilder().setError(Error.newBuilder().setKind(kind.name()).setMessage(message)
                .setSegmentId(segment).setRequestSequence(seq)).build();
    }

    /** User-caused failures become typed gRPC statuses with a message that names what was wrong. */
    static Throwable toStatus(Throwable e) {
        if (e instanceof StatusRuntimeException) return e;
        if (e instanceof ManifestException m) {
            boolean notFound = m.errors().size() == 1 && m.errors().get(0).startsWith("pipeline: no pipeline named");
            return ErrorDetails.status(notFound ? Status.NOT_FOUND : Status.INVALID_ARGUMENT, ErrorKind.ManifestInvalid, "ManifestInvalid: " + m.getMessage(), notFound);
        }
        if (e instanceof ManifestFetchException) return status(Status.FAILED_PRECONDITION, ErrorKind.ManifestFetchFailed, e.getMessage());
        if (e instanceof PipelineException p) return ErrorDetails.status(Status.FAILED_PRECONDITION, p.kind(), p.kind() + ": " + p.getMessage(), p.kind() == ErrorKind.ModelUnavailable);
        LOG.warn("stream failed", e);
        return status(Status.INTERNAL, ErrorKind.Internal, "Internal: " + e);
    }

    static StatusRuntimeException status(Status status, ErrorKind kind, String message) {
        return ErrorDetails.status(status, kind, message);
    }
}
