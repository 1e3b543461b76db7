package dev.remotemedia.pipeline;

import java.net.InetAddress;
import java.util.List;

/**
 * Who may call WHIP and gRPC. With tokens configured: whoever sends one. Without: loopback callers
 * and listed networks only — an instance started with no token is not an open relay to its GPUs.
 */
public final class AccessPolicy {
    static final String NETWORKS_KEY = "remotemedia.grpc.auth.anonymous-networks";
    private final TokenAuthenticator tokens;
    private final Networks anonymous;
    private final List<String> anonymousCidrs;

    public AccessPolicy(TokenAuthenticator tokens, List<String> anonymousNetworks) {
        this.tokens = tokens;
        this.anonymousCidrs = List.copyOf(anonymousNetworks);
        this.anonymous = Networks.of(anonymousNetworks, NETWORKS_KEY);
    }

    public TokenAuthenticator tokens() {
        return tokens;
    }

    /**
     * Null when the caller may proceed, else why not (for 401 / UNAUTHENTICATED).
     *
     * @param peer the caller's address; null for in-process calls
     */
    public String deny(String authorization, InetAddress peer) {
        if (!tokens.disabled()) {
            var verdict = tokens.check(authorization);
            return verdict == TokenAuthenticator.Verdict.OK ? null : TokenAuthenticator.describe(verdict);
        }
        if (peer == null || peer.isLoopbackAddress() || anonymous.contains(peer)) return null;
        return "Unauthenticated: this instance has no API token configured, so it accepts only loopback callers ("
                + peer.getHostAddress() + " is not one); configure remotemedia.grpc.auth.tokens and send 'Bearer <token>', "
                + "or list the caller's network in " + NETWORKS_KEY;
    }

    /**
     * The rule of an HTTP endpoint with its own {@code require-token} switch: empty = {@link #deny}
     * (a token when tokens are configured, else loopback only); false = anyone; true = a token always.
     */
    public String deny(java.util.Optional<Boolean> requireToken, String key, String authorization, InetAddress peer) {
        if (requireToken.isEmpty()) return deny(authorization, peer);
        if (!requireToken.get()) return null;
        if (tokens.disabled()) return "Unauthenticated: " + key + " is on but no tokens are configured (remotemedia.grpc.auth.tokens)";
        var verdict = tokens.check(authorization);
        return verdict == TokenAuthenticator.Verdict.OK ? null : TokenAuthenticator.describe(verdict);
    }

    /** The caller's address of an HTTP request (null when unknown, e.g. in-process). */
    public static InetAddress peer(io.vertx.core.http.HttpServerRequest request) {
        try {
            var a = request == null ? null : request.remoteAddress();
            return a == null || a.hostAddress() == null ? null : InetAddress.getByName(a.hostAddress());
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** One line for the start-up log: who gets in. */
    public String summary() {
        if (!tokens.disabled()) return "WHIP and gRPC callers need a bearer token (remotemedia.grpc.auth.tokens)";
        return "no API token configured: WHIP and gRPC accept only loopback callers"
                + (anonymousCidrs.isEmpty() ? "" : " and " + String.join(", ", anonymousCidrs)) + " (" + NETWORKS_KEY + ")";
    }
}
