package dev.remotemedia.remote;

import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;
import dev.remotemedia.manifest.Params;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.NodeType;

import java.util.List;
import java.util.Set;

/** `RemotePipelineNode`: runs a manifest on remote instances over gRPC, with failover that loses nothing. */
public final class RemotePipelineType implements NodeType {
    private static final ParamSchema PARAMS = ParamSchema.of(
            ParamSpec.oneOf("transport", "grpc").defaultValue("grpc").doc("wire protocol"),
            ParamSpec.string("endpoint").doc("one remote: host:port, or dns:///NAME:PORT for every address NAME resolves to (a fleet)"),
            ParamSpec.stringList("endpoints").doc("several remotes, host:port or dns:///NAME:PORT each (pool with failover)"),
            ParamSpec.any("manifest").doc("the remote pipeline, inline (a manifest object)"),
            ParamSpec.string("manifest_url").doc("the remote pipeline at s3://, https:// or file: (fetched by the remote)"),
            ParamSpec.string("pipeline").doc("a pipeline the remote has by name"),
            ParamSpec.integer("timeout_ms").defaultValue(30000).min(1).max(3_600_000).doc("per attempt, per endpoint"),
            ParamSpec.object("retry", ParamSchema.of(
                    ParamSpec.integer("max_retries").defaultValue(3).min(0).max(100).doc("extra failover rounds after the first"),
                    ParamSpec.integer("backoff_ms").defaultValue(1000).min(0).max(600_000).doc("first delay between rounds; doubles, with jitter, capped at 16×")))
                    .doc("retries of whole failover rounds"),
            ParamSpec.object("circuit_breaker", ParamSchema.of(
                    ParamSpec.integer("failure_threshold").defaultValue(5).min(1).max(1000).doc("consecutive failures that open an endpoint's breaker"),
                    ParamSpec.integer("success_threshold").defaultValue(2).min(1).max(1000).doc("half-open successes that close it"),
                    ParamSpec.integer("reset_timeout_ms").defaultValue(60000).min(1).max(3_600_000).doc("open → half-open after this long")))
                    .doc("per-endpoint circuit breaker"),
            ParamSpec.oneOf("load_balance_strategy", Strategy.NAMES.toArray(String[]::new)).defaultValue("round_robin")
                    .doc("how an endpoint is picked; priority = first healthy in list order"),
            ParamSpec.object("health_check", ParamSchema.of(
                    ParamSpec.integer("interval_ms").defaultValue(5000).min(0).max(3_600_000).doc("grpc.health.v1 Check period (0 = off)"),
                    ParamSpec.integer("timeout_ms").defaultValue(2000).min(1).max(600_000).doc("probe deadline")))
                    .doc("health probing of each endpoint"),
            ParamSpec.object("discovery", ParamSchema.of(
                    ParamSpec.integer("refresh_ms").defaultValue(5000).min(100).max(3_600_000)
                            .doc("re-resolve dns:/// endpoints this often (and after connection failures); new addresses join once SERVING")))
                    .doc("discovery of dns:/// endpoints (ECS service discovery, Kubernetes headless Services)"),
            ParamSpec.string("auth_token").asSecret().doc("bearer token, e.g. \"${REMOTEMEDIA_API_TOKEN}\""),
            ParamSpec.object("tls", ParamSchema.of(
                    ParamSpec.bool("enabled").defaultValue(false).doc("use TLS"),
                    ParamSpec.string("ca_file").doc("PEM CA bundle to trust (default: the JVM's)"),
                    ParamSpec.string("cert_file").doc("client certificate (mutual TLS)"),
                    ParamSpec.string("key_file").doc("client key, PKCS#8 PEM (mutual TLS)"),
                    ParamSpec.string("server_name").doc("expected server name when it differs from the host")))
                    .doc("transport security"),
            ParamSpec.integer("hedge_after_ms").defaultValue(0).min(0).max(600_000)
                    .doc("send a second copy to another endpoint if no answer by then (0 = off)"),
            ParamSpec.oneOf("image_format", "jpeg", "rgb").defaultValue("jpeg")
                    .doc("how camera frames travel: JPEG (≈ 10× smaller, a few levels of colour error) or raw RGB"));

    @Override public String name() { return "RemotePipelineNode"; }
    @Override public String description() { return "Runs a pipeline on remote instances over gRPC (pool, breaker, retry, replay)"; }
    @Override public ParamSchema params() { return PARAMS; }
    @Override public Set<FrameKind> inputs() { return Set.of(FrameKind.SEGMENT, FrameKind.TEXT, FrameKind.IMAGE); }
    @Override public Set<FrameKind> outputs() { return Set.of(FrameKind.EVENT, FrameKind.TEXT, FrameKind.AUDIO); }

    @Override
    public void check(Params p, String where, List<String> errors) {
        boolean one = p.has("endpoint"), many = !p.strings("endpoints").isEmpty();
        if (!one && !many) errors.add(where + ": needs \"endpoint\" (host:port or dns:///NAME:PORT) or \"endpoints\" (a list)");
        if (one) checkAddress(p.string("endpoint"), where + ".endpoint", errors);
        List<String> list = p.strings("endpoints");
        for (int i = 0; i < list.size(); i++) checkAddress(list.get(i), where + ".endpoints[" + i + "]", errors);
        int sources = (p.has("manifest") ? 1 : 0) + (p.has("manifest_url") ? 1 : 0) + (p.has("pipeline") ? 1 : 0);
        if (sources != 1) {
            errors.add(where + ": give exactly one of \"manifest\", \"manifest_url\", \"pipeline\" (got " + sources + ")");
        }
        if (p.has("manifest") && !p.json("manifest").isObject()) errors.add(where + ".manifest: must be a manifest object");
        Params tls = p.object("tls");
        if (tls.has("cert_file") != tls.has("key_file")) errors.add(where + ".tls: cert_file and key_file go together");
    }

    private static void checkAddress(String address, String where, List<String> errors) {
        String problem = EndpointTarget.problem(address);
        if (problem != null) errors.add(where + ": " + problem);
    }

    @Override
    public Node create(NodeContext context, Params params) {
        RemoteSettings s = RemoteSettings.from(params);
        EndpointPool.Resolver dns = context.shared().get(EndpointPool.RESOLVER_KEY, EndpointPool.Resolver.class, () -> EndpointPool.SYSTEM_DNS);
        EndpointPool pool = context.shared().get(s.poolKey(), EndpointPool.class, () -> new EndpointPool(s, dns, context.threads()));
        return new RemotePipelineNode(context, new SegmentDispatcher(pool, s, context.sessionId(), context.threads().timer()));
    }
}
