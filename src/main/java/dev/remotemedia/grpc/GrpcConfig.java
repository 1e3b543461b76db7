package dev.remotemedia.grpc;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/** `remotemedia.grpc.*`: the PipelineService server. Port and TLS are Quarkus' `quarkus.grpc.server.*`. */
@ConfigMapping(prefix = "remotemedia.grpc")
public interface GrpcConfig {
    /**
     * Serve PipelineService to other instances: empty = yes in the gpu role, no in the local role
     * (whose gRPC server then answers UNAVAILABLE naming the role); dev and test set it.
     */
    Optional<Boolean> serve();

    /** Streams served at once; more get RESOURCE_EXHAUSTED. */
    @WithDefault("256")
    int maxStreams();

    /** A stream that sends nothing for this long is closed (0 = never). */
    @WithDefault("300000")
    long idleTimeoutMs();

    /** On shutdown: report NOT_SERVING, refuse new streams and let running segments finish for up to this long. */
    @WithDefault("10000")
    long drainTimeoutMs();

    /**
     * Named pipelines this worker serves and advertises in Describe (a fleet's clients route each
     * pipeline only to workers listing it); others get UNIMPLEMENTED. Empty = any it can resolve.
     */
    Optional<List<String>> pipelines();

    /** Named pipelines opened once at start-up (loading their models) before health reports SERVING. */
    Optional<List<String>> warmupPipelines();

    /** Manifests fetched by URL are re-validated after this many ms (ETag / Last-Modified). */
    @WithDefault("30000")
    long manifestCacheTtlMs();

    /** Timeout of one manifest fetch attempt. */
    @WithDefault("5000")
    long manifestFetchTimeoutMs();

    /** Which `manifest_url`s a client may make this worker fetch (server-side request forgery guard). */
    ManifestUrls manifestUrls();

    /** Bearer-token authentication. */
    Auth auth();

    interface ManifestUrls {
        /** Allowed schemes among https, s3, http, file. */
        @WithDefault("https,s3")
        List<String> schemes();

        /** Allowed http(s) hosts, exact or `*.example.org`; empty = any host that resolves to public addresses. */
        Optional<List<String>> hosts();

        /** Allowed S3 buckets; empty = any bucket the instance's credentials can read. */
        Optional<List<String>> s3Buckets();

        /** Networks (CIDR) an http(s) host may resolve to although private, loopback or link-local, e.g. 10.0.0.0/8; none by default. */
        Optional<List<String>> allowNetworks();
    }

    interface Auth {
        /** Accepted tokens (comma-separated); empty = authentication off. Env: REMOTEMEDIA_GRPC_AUTH_TOKENS. */
        Optional<List<String>> tokens();

        /** A file with one accepted token per line (e.g. a mounted secret). */
        Optional<String> tokensFile();

        /**
         * Without tokens, callers from these networks (CIDR) are accepted besides loopback, e.g.
         * 10.0.0.0/16 for a private VPC; 0.0.0.0/0,::/0 opens the instance to anyone.
         */
        Optional<List<String>> anonymousNetworks();

        /** Let grpc.health.v1 and reflection through without a token (load balancers probe without one). */
        @WithDefault("true")
        boolean exemptHealth();
    }
}
