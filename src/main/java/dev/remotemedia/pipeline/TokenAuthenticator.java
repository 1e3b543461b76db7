package dev.remotemedia.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks `authorization: Bearer <token>` values against the configured tokens with a
 * constant-time comparison. Shared by the gRPC interceptor and WHIP (so it lives here, where transports meet). Tokens are never logged.
 */
public final class TokenAuthenticator {
    private final List<byte[]> tokens;

    public TokenAuthenticator(List<String> tokens) {
        this.tokens = tokens.stream().map(String::trim).filter(t -> !t.isEmpty())
                .map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    /** Tokens from config plus one per non-blank line of {@code file} (e.g. a mounted secret). */
    public static TokenAuthenticator of(List<String> configured, Path file) {
        List<String> all = new ArrayList<>(configured);
        if (file != null) {
            try {
                all.addAll(Files.readAllLines(file));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the API token file " + file + ": " + e.getMessage(), e);
            }
        }
        return new TokenAuthenticator(all);
    }

    /** True when no tokens are configured: authentication is off. */
    public boolean disabled() {
        return tokens.isEmpty();
    }

    public enum Verdict { OK, MISSING, MALFORMED, WRONG }

    /** Judges an Authorization header value. */
    public Verdict check(String authorization) {
        if (disabled()) return Verdict.OK;
        if (authorization == null || authorization.isBlank()) return Verdict.MISSING;
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return Verdict.MALFORMED;
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] t : tokens) match |= MessageDigest.isEqual(t, given); // no early exit: constant time over the list
        return match ? Verdict.OK : Verdict.WRONG;
    }

    public static String describe(Verdict v) {
        return switch (v) {
            case OK -> "ok";
            case MISSING -> "Unauthenticated: missing authorization metadata (send 'authorization: Bearer <token>')";
            case MALFORMED -> "Unauthenticated: authorization must be 'Bearer <token>'";
            case WRONG -> "Unauthenticated: the bearer token is not accepted";
        };
    }
}
