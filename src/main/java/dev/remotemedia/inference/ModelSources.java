package dev.remotemedia.inference;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Ranged downloads from https:// (plain HTTP range requests) and s3:// (AWS SDK v2), appending to a .part file. */
final class ModelSources {
    interface Listener {
        void update(long done, long total);
    }

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Supplier<S3Client> s3;

    ModelSources(Supplier<S3Client> s3) {
        this.s3 = s3;
    }

    /** S3 client for the default credential chain; the endpoint override serves S3-compatible stores and tests. */
    static Supplier<S3Client> s3Client(Optional<String> endpoint) {
        return new Supplier<>() {
            private S3Client client;

            @Override
            public synchronized S3Client get() {
                if (client == null) {
                    var b = S3Client.builder().httpClient(UrlConnectionHttpClient.create())
                            .region(Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1")));
                    endpoint.ifPresent(e -> b.endpointOverride(URI.create(e)).forcePathStyle(true));
                    client = b.build();
                }
                return client;
            }
        };
    }

    /** Appends what is missing of {@code url} to {@code part} (resuming from its current size). */
    void download(String url, Path part, Listener listener) throws IOException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (url.startsWith("s3://")) downloadS3(url, part, have, listener);
        else downloadHttp(url, part, have, listener);
    }

    private void downloadHttp(String url, Path part, long have, Listener listener) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30)).GET();
        if (have > 0) req.header("Range", "bytes=" + have + "-");
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        int status = resp.statusCode();
        try (InputStream in = resp.body()) {
            if (status == 416 && have > 0) return; // the part is already whole
            if (status != 200 && status != 206) throw new IOException("GET " + url + " answered HTTP " + status);
            boolean append = status == 206;
            long start = append ? have : 0;
            long length = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                ModelStore.copy(in, out, start, length < 0 ? -1 : start + length, listener);
            }
            if (length >= 0 && Files.size(part) != start + length) {
                throw new IOException("connection closed at " + Files.size(part) + " of " + (start + length) + " bytes");
            }
        }
    }

    private void downloadS3(String url, Path part, long have, Listener listener) throws IOException {
        URI u = URI.create(url);
        String key = u.getPath().substring(1);
        var req = GetObjectRequest.builder().bucket(u.getHost()).key(key);
        if (have > 0) req.range("bytes=" + have + "-");
        try (ResponseInputStream<GetObjectResponse> in = s3.get().getObject(req.build());
             OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     have > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            Long length = in.response().contentLength();
            ModelStore.copy(in, out, have, length == null ? -1 : have + length, listener);
        } catch (S3Exception e) {
            if (e.statusCode() == 416 && have > 0) return;
            throw new IOException("s3 GetObject " + url + ": HTTP " + e.statusCode() + " " + e.awsErrorDetails().errorMessage());
        }
    }

    /** Keys under an s3:// prefix, relative to it. */
    List<String> listS3(String prefixUri) throws IOException {
        URI u = URI.create(prefixUri);
        String prefix = u.getPath().substring(1);
        try {
            return s3.get().listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(u.getHost()).prefix(prefix).build())
                    .contents().stream().map(S3Object::key).map(k -> k.substring(prefix.length()))
                    .filter(k -> !k.isEmpty() && !k.endsWith("/")).toList();
        } catch (S3Exception e) {
            throw new IOException("s3 ListObjectsV2 " + prefixUri + ": HTTP " + e.statusCode() + " " + e.awsErrorDetails().errorMessage());
        }
    }
}
