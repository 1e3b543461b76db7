package dev.remotemedia.manifest;

import dev.remotemedia.telemetry.Telemetry;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.util.TypeLiteral;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fetches manifest text from {@code https://}, {@code http://}, {@code file:} and (with an
 * {@link ObjectStore}) {@code s3://} URLs. Results are cached for {@code ttl}; after that a
 * conditional request (ETag / Last-Modified) re-validates, so a changed manifest applies to new
 * sessions while running ones keep theirs. Fetches are guarded with SmallRye Fault Tolerance
 * (timeout, retry with backoff, circuit breaker).
 */
public final class ManifestFetcher {
    /** Access to an S3-style store, so this package stays free of the AWS SDK. */
    public interface ObjectStore {
        /** Returns the object, or null when {@code etag} still matches (not modified). */
        Fetched get(String bucket, String key, String etag) throws Exception;
    }

    /** Fetched text with its validators. */
    public record Fetched(String text, String etag, String lastModified) {}

    private record Entry(Fetched content, long fetchedAtNanos) {}

    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build(); // followed by hand: each hop passes the policy
    private final Duration ttl;
    private final java.util.concurrent.Executor io;
    private final Duration timeout;
    private final ObjectStore s3;
    private final TypedGuard<Uni<Fetched>> guard;
    private final UrlPolicy policy;

    /** A fetcher for URLs an operator wrote: no {@link UrlPolicy} restriction. */
    public ManifestFetcher(Duration ttl, Duration timeout, int retries, ObjectStore s3) {
        this(ttl, timeout, retries, s3, Infrastructure.getDefaultWorkerPool(), UrlPolicy.UNRESTRICTED);
    }

    /**
     * @param io     where fetches (blocking HTTP / S3 / file reads) run: the server passes its blocking pool
     * @param policy which URLs may be fetched (a worker fetches what clients ask for)
     */
    public ManifestFetcher(Duration ttl, Duration timeout, int retries, ObjectStore s3, java.util.concurrent.Executor io, UrlPolicy policy) {
        this.policy = policy;
        this.io = io;
        this.ttl = ttl;
        this.timeout = timeout;
        this.s3 = s3;
        this.guard = TypedGuard.create(new TypeLiteral<Uni<Fetched>>() {})
                .withTimeout().duration(timeout.toMillis(), ChronoUnit.MILLIS).done()
                .withRetry().maxRetries(retries).delay(200, ChronoUnit.MILLIS).jitter(100, ChronoUnit.MILLIS)
                .withExponentialBackoff().factor(2).maxDelay(5, ChronoUnit.SECONDS).done()
                .abortOn(IllegalArgumentException.class).done()
                .withCircuitBreaker().requestVolumeThreshold(10).failureRatio(0.8).delay(30, ChronoUnit.SECONDS)
                .skipOn(IllegalArgumentException.class).done()
                .build();
    }

    /** The manifest text at {@code url}, from cache when fresh. */
    public Uni<String> fetch(String url) {
        Entry cached = cache.get(url);
        if (cached != null && System.nanoTime() - cached.fetchedAtNanos() < ttl.toNanos()) {
            Telemetry.manifestFetch(scheme(url), "cached");
            return Uni.createFrom().item(cached.content().text());
        }
        String etag = cached == null ? null : cached.content().etag();
        String lastModified = cached == null ? null : cached.content().lastModified();
        return guard.get(() -> Uni.createFrom().item(() -> load(url, etag, lastModified))
                        .runSubscriptionOn(io))
                .map(f -> {
                    Telemetry.manifestFetch(scheme(url), f == null ? "not_modified" : "ok");
                    Fetched content = f == null ? cached.content() : f; // null: not modified
                    cache.put(url, new Entry(content, System.nanoTime()));
                    return content.text();
                })
                .onFailure().invoke(e -> Telemetry.manifestFetch(scheme(url), "failed"))
                .onFailure().transform(e -> e instanceof ManifestFetchException ? e
                        : new ManifestFetchException("ManifestFetchFailed: cannot fetch " + printable(url) + ": " + describe(e), e));
    }

    private Fetched load(String url, String etag, String lastModified) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: " + printable(url));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!scheme.matches("s3|https?|file")) throw new IllegalArgumentException("unsupported URL scheme \"" + scheme + "\" (use s3://, https:// or file:)");
        policy.check(uri);
        try {
            return switch (scheme) {
                case "file" -> new Fetched(Files.readString(Path.of(uri)), null, null);
                case "http", "https" -> http(uri, etag, lastModified);
                case "s3" -> {
                    if (s3 == null) throw new IllegalArgumentException("s3:// URLs need the S3 client (quarkus-amazon-s3)");
                    String key = uri.getPath().startsWith("/") ? uri.getPath().substring(1) : uri.getPath();
                    yield s3.get(uri.getHost(), key, etag);
                }
                default -> throw new IllegalStateException("unreachable: " + scheme);
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private Fetched http(URI uri, String etag, String lastModified) throws IOException {
        try {
            HttpResponse<String> r = null;
            for (int hop = 0; ; hop++) {
                HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(timeout).GET();
                if (etag != null) req.header("If-None-Match", etag);
                if (lastModified != null) req.header("If-Modified-Since", lastModified);
                r = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                var location = r.headers().firstValue("Location");
                if (r.statusCode() / 100 != 3 || r.statusCode() == 304 || location.isEmpty()) break;
                if (hop == 4) throw new IllegalArgumentException("more than 5 redirects");
                uri = uri.resolve(location.get());
                policy.check(uri); // a redirect must not lead where the URL itself could not
            }
            if (r.statusCode() == 304) return null;
            if (r.statusCode() == 404 || r.statusCode() == 403) {
                throw new IllegalArgumentException("HTTP " + r.statusCode());
            }
            if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode());
            return new Fetched(r.body(), r.headers().firstValue("ETag").orElse(null),
                    r.headers().firstValue("Last-Modified").orElse(null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String scheme(String url) {
        int i = url.indexOf(':');
        String s = i > 0 ? url.substring(0, i).toLowerCase() : "none";
        return s.matches("s3|https?|file") ? s : "other"; // bounded tag values
    }

    /** The URL without user info and query string (where signed URLs keep credentials). */
    public static String printable(String url) {
        try {
            URI u = URI.create(url);
            if (u.getScheme() == null) return url.replaceAll("\\?.*", "");
            String host = u.getHost() == null ? "" : u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
            return u.getScheme() + "://" + host + (u.getPath() == null ? "" : u.getPath());
        } catch (IllegalArgumentException e) {
            return "(unparseable URL)";
        }
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) t = t.getCause();
        String name = t.getClass().getSimpleName();
        return t.getMessage() == null ? name : name.replace("Exception", "") + ": " + t.getMessage();
    }
}
