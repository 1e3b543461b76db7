package dev.remotemedia.remote;

import dev.remotemedia.manifest.Params;

import java.util.ArrayList;
import java.util.List;

/** The parameters of one RemotePipelineNode, typed (defaults come from the schema in {@link RemotePipelineType}). */
record RemoteSettings(List<String> endpoints, String inlineManifest, String manifestUrl, String pipeline,
                      long timeoutMs, int maxRetries, long backoffMs, int failureThreshold, int successThreshold,
                      long resetTimeoutMs, Strategy strategy, long healthIntervalMs, long healthTimeoutMs,
                      String authToken, Tls tls, long hedgeAfterMs, long discoveryRefreshMs,
                      dev.remotemedia.grpc.v1.ImageFormat imageFormat) {

    record Tls(boolean enabled, String caFile, String certFile, String keyFile, String authority) {}

    static RemoteSettings from(Params p) {
        List<String> endpoints = new ArrayList<>();
        p.optionalString("endpoint").ifPresent(endpoints::add);
        endpoints.addAll(p.strings("endpoints"));
        Params retry = p.object("retry"), breaker = p.object("circuit_breaker"), health = p.object("health_check"), tls = p.object("tls");
        return new RemoteSettings(List.copyOf(endpoints),
                p.has("manifest") ? p.json("manifest").toString() : null, p.string("manifest_url"), p.string("pipeline"),
                p.longValue("timeout_ms"), retry.integer("max_retries"), retry.longValue("backoff_ms"),
                breaker.integer("failure_threshold"), breaker.integer("success_threshold"), breaker.longValue("reset_timeout_ms"),
                Strategy.of(p.string("load_balance_strategy")), health.longValue("interval_ms"), health.longValue("timeout_ms"),
                p.string("auth_token"),
                new Tls(tls.bool("enabled"), tls.string("ca_file"), tls.string("cert_file"), tls.string("key_file"), tls.string("server_name")),
                p.longValue("hedge_after_ms"), p.object("discovery").longValue("refresh_ms"),
                p.string("image_format").equals("rgb") ? dev.remotemedia.grpc.v1.ImageFormat.RGB24 : dev.remotemedia.grpc.v1.ImageFormat.JPEG);
    }

    /** The endpoints as parsed targets (validated by the node type before we get here). */
    List<EndpointTarget> targets() {
        return endpoints.stream().map(EndpointTarget::parse).toList();
    }

    /**
     * What a worker is asked to run, as a key for "this worker cannot serve that": the pipeline
     * name, or the inline manifest / URL itself.
     */
    String capabilityKey() {
        if (pipeline != null) return "pipeline:" + pipeline;
        if (manifestUrl != null) return "url:" + manifestUrl;
        return "inline:" + Integer.toHexString(inlineManifest.hashCode());
    }

    /** Words for messages: pipeline "whisper-stt", the manifest at URL, or the inline manifest. */
    String what() {
        if (pipeline != null) return "pipeline \"" + pipeline + "\"";
        if (manifestUrl != null) return "the manifest at " + manifestUrl;
        return "the inline manifest";
    }

    /** Sessions with the same endpoints and connection settings share one pool (and its breakers). */
    String poolKey() {
        return "remote-pool:" + String.join(",", endpoints) + "|" + timeoutMs + "|" + failureThreshold + "/" + successThreshold
                + "/" + resetTimeoutMs + "|" + healthIntervalMs + "/" + healthTimeoutMs + "|" + discoveryRefreshMs + "|" + tls + "|"
                + (authToken == null ? "" : Integer.toHexString(authToken.hashCode()));
    }
}
