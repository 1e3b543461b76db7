package dev.remotemedia.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The metric catalogue: every name and tag in one place (Prometheus names in the comments).
 * Meters live in Micrometer's global registry, which Quarkus joins its Prometheus (and, when
 * enabled, CloudWatch) registries to; in CLI commands nothing is attached and meters are no-ops.
 * Tags are bounded: endpoint, outcome, node type, error kind, model — never session ids.
 */
public final class Telemetry {
    private static volatile OpenTelemetry openTelemetry = OpenTelemetry.noop();

    private Telemetry() {}

    static MeterRegistry registry() {
        return Metrics.globalRegistry;
    }

    // --- tracing -------------------------------------------------------------------------------

    /** Installed by the server at start-up; a no-op otherwise. */
    public static void install(OpenTelemetry otel) {
        openTelemetry = otel;
    }

    public static OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    public static Tracer tracer() {
        return openTelemetry.getTracer("dev.remotemedia");
    }

    // --- gauges --------------------------------------------------------------------------------

    /** remotemedia_webrtc_sessions_active */
    public static void webrtcSessions(Supplier<Number> value) {
        Gauge.builder("remotemedia.webrtc.sessions.active", value).description("Open WebRTC sessions").register(registry());
    }

    /** remotemedia_grpc_streams_active */
    public static void grpcStreams(Supplier<Number> value) {
        Gauge.builder("remotemedia.grpc.streams.active", value).description("Open PipelineService streams").register(registry());
    }

    /** remotemedia_remote_breaker_state{endpoint}: 0 closed, 1 half-open, 2 open */
    public static Meter breakerState(String endpoint, Supplier<Number> value) {
        return Gauge.builder("remotemedia.remote.breaker.state", value).tag("endpoint", endpoint)
                .description("Circuit breaker per endpoint: 0 closed, 1 half-open, 2 open").register(registry());
    }

    /** remotemedia_remote_endpoint_healthy{endpoint}: 1 serving, 0 not */
    public static Meter endpointHealthy(String endpoint, Supplier<Number> value) {
        return Gauge.builder("remotemedia.remote.endpoint.healthy", value).tag("endpoint", endpoint)
                .description("Last grpc.health.v1 probe per endpoint: 1 SERVING, 0 not").register(registry());
    }

    /** Unregisters a per-endpoint meter when its endpoint leaves the pool (discovered workers come and go). */
    public static void remove(Meter meter) {
        registry().remove(meter);
    }

    /** remotemedia_remote_endpoints{target,state}: members of a dns:/// target by state (active, pending) */
    public static Meter discoveredEndpoints(String target, String state, Supplier<Number> value) {
        return Gauge.builder("remotemedia.remote.endpoints", value).tag("target", target).tag("state", state)
                .description("Endpoints of a configured target by state (active = joined, pending = waiting for SERVING)").register(registry());
    }

    // --- worker load (what a worker serves; GPU services scale on these) -------------------------

    /** remotemedia_segments_inflight: segments this worker is processing or has queued */
    public static void segmentsInflight(Supplier<Number> value) {
        Gauge.builder("remotemedia.segments.inflight", value).description("Segments received by this worker and not yet answered")
                .register(registry());
    }

    /** remotemedia_segments_served_total{pipeline,outcome}: outcome ok | error */
    public static void segmentServed(String pipeline, String outcome) {
        Counter.builder("remotemedia.segments.served").tag("pipeline", pipeline).tag("outcome", outcome)
                .description("Segments this worker answered, by pipeline and outcome").register(registry()).increment();
    }

    /** remotemedia_segment_processing_seconds{pipeline}: histogram of one segment's processing on this worker */
    public static void segmentProcessing(String pipeline, Duration d) {
        Timer.builder("remotemedia.segment.processing").tag("pipeline", pipeline)
                .description("Processing time of one segment on this worker (start to SegmentDone)")
                .publishPercentiles(0.5, 0.9, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry()).record(d);
    }

    /** remotemedia_queue_wait_seconds: a segment's wait on this worker between arrival and the start of its processing */
    public static Timer queueWait() {
        return Timer.builder("remotemedia.queue.wait").description("Wait of a segment on this worker before its processing starts")
                .publishPercentiles(0.5, 0.9, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry());
    }

    // --- counters ------------------------------------------------------------------------------

    /** remotemedia_frames_in_total{transport} */
    public static Counter framesInCounter(String transport) {
        return Counter.builder("remotemedia.frames.in").tag("transport", transport).description("Audio frames received (10 ms each for WebRTC)")
                .register(registry());
    }

    /** remotemedia_frames_dropped_total{transport,reason}: audio shed because the pipeline fell behind (10 ms frames) */
    public static Counter framesDroppedCounter(String transport, String reason) {
        return Counter.builder("remotemedia.frames.dropped").tag("transport", transport).tag("reason", reason)
                .description("Audio frames dropped at the input (10 ms each for WebRTC)").register(registry());
    }

    /**
     * remotemedia_video_frames_total{outcome}: camera frames received from the browser, sampled
     * (converted and sent into the pipeline at the VideoSample node's fps), and dropped (a newer
     * frame replaced one that waited while the pipeline was busy with the previous).
     */
    public static Counter videoFrames(String outcome) {
        return Counter.builder("remotemedia.video.frames").tag("outcome", outcome)
                .description("Camera frames received, sampled into the pipeline, or dropped while it was busy").register(registry());
    }

    /** remotemedia_native_heap_trims_seconds{released}: glibc malloc_trim after closed WebRTC sessions, and how long it held the heap */
    public static void nativeHeapTrim(boolean released, Duration took) {
        Timer.builder("remotemedia.native.heap.trims").tag("released", Boolean.toString(released))
                .description("glibc malloc_trim calls after closed WebRTC sessions").register(registry()).record(took);
    }

    /** remotemedia_webrtc_native_releases_total{object,outcome}: owning references released after close (webrtc-java 0.14.0 leak fix) */
    public static void webrtcNativeRelease(String object, String outcome) {
        Counter.builder("remotemedia.webrtc.native.releases").tag("object", object).tag("outcome", outcome)
                .description("Native references released after a peer connection closed (outcome freed = it was the last one)")
                .register(registry()).increment();
    }

    /** remotemedia_vad_windows_total */
    public static Counter vadWindows() {
        return Counter.builder("remotemedia.vad.windows").description("Silero VAD windows scored").register(registry());
    }

    /** remotemedia_vad_windows_skipped_total: windows under the VAD's silence floor, not scored. */
    public static Counter vadWindowsSkipped() {
        return Counter.builder("remotemedia.vad.windows.skipped").description("Silero VAD windows under the silence floor, not scored").register(registry());
    }

    /** remotemedia_segments_total{node_type} */
    public static void segment(String nodeType) {
        Counter.builder("remotemedia.segments").tag("node_type", nodeType).description("Speech segments produced").register(registry()).increment();
    }

    /** remotemedia_remote_retries_total */
    public static void retry() {
        Counter.builder("remotemedia.remote.retries").description("Failover rounds retried after backoff").register(registry()).increment();
    }

    /** remotemedia_remote_failovers_total{endpoint,kind} */
    public static void failover(String endpoint, String kind) {
        Counter.builder("remotemedia.remote.failovers").tag("endpoint", endpoint).tag("kind", kind)
                .description("Segments replayed elsewhere after a failed attempt").register(registry()).increment();
    }

    /** remotemedia_remote_hedges_total */
    public static void hedge() {
        Counter.builder("remotemedia.remote.hedges").description("Hedged copies sent").register(registry()).increment();
    }

    /** remotemedia_manifest_fetches_total{scheme,outcome} */
    public static void manifestFetch(String scheme, String outcome) {
        Counter.builder("remotemedia.manifest.fetches").tag("scheme", scheme).tag("outcome", outcome)
                .description("Manifest fetches by URL scheme and outcome (ok, not_modified, cached, failed)").register(registry()).increment();
    }

    /** remotemedia_errors_total{kind} */
    public static void error(String kind) {
        Counter.builder("remotemedia.errors").tag("kind", kind).description("Error events by kind").register(registry()).increment();
    }

    // --- timers --------------------------------------------------------------------------------

    /** remotemedia_vad_inference_seconds */
    public static Timer vadInference() {
        return Timer.builder("remotemedia.vad.inference").description("Silero VAD inference per window")
                .publishPercentiles(0.5, 0.99).register(registry());
    }

    /** remotemedia_model_inference_seconds{model} */
    public static void modelInference(String model, Duration d) {
        Timer.builder("remotemedia.model.inference").tag("model", model).description("Model inference time")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry()).record(d);
    }

    /** remotemedia_remote_request_seconds{endpoint,outcome} */
    public static void remoteRequest(String endpoint, String outcome, Duration d) {
        Timer.builder("remotemedia.remote.request").tag("endpoint", endpoint).tag("outcome", outcome)
                .description("One attempt of one segment on one endpoint").publishPercentiles(0.5, 0.9, 0.99)
                .register(registry()).record(d);
    }

    /** remotemedia_utterance_latency_seconds{outcome}: speech end → final result */
    public static void utteranceLatency(String outcome, Duration d) {
        Timer.builder("remotemedia.utterance.latency").tag("outcome", outcome)
                .description("Speech end (segment ready) to final result").publishPercentiles(0.5, 0.9, 0.99)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry()).record(d);
    }
}
