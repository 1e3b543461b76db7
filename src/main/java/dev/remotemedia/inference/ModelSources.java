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
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Ranged downloads from https:// (plain HTTP range requests) and s3:// (AWS SDK v2), appending to a .part file. */
final class ModelSources {
    interface Listener {
        void update(long done, long total);
    }

    private final Supplier<S3Client> s3;
    private final int readTimeoutMs;

    ModelSources(Supplier<S3Client> s3, int readTimeoutMs) {
        this.s3 = s3;
        this.readTimeoutMs = readTimeoutMs;
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
        // HttpURLConnection for its read timeout: a server that stalls mid-body must not hang a start-up forever
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(readTimeoutMs);
        c.setInstanceFollowRedirects(true);
        if (have > 0) c.setRequestProperty("Range", "bytes=" + have + "-");
        try {
            int status = c.getResponseCode();
            if (status == 416 && have > 0) return; // the part is already whole
            if (status != 200 && status != 206) throw new IOException("GET " + url + " answered HTTP " + status);
            boolean append = status == 206;
            long start = append ? have : 0;
            long length = c.getContentLengthLong();
            try (InputStream in = c.getInputStream();
                 OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                copy(in, out, start, length < 0 ? -1 : start + length, listener);
            }
            if (length >= 0 && Files.size(part) != start + length) {
                throw new IOException("connection closed at " + Files.size(part) + " of " + (start + length) + " bytes");
            }
        } finally {
            c.disconnect();
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
            copy(in, out, have, length == null ? -1 : have + length, listener);
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

    /** Copies with a progress callback (about every MiB, and at the end). */
    private static void copy(InputStream in, OutputStream out, long start, long total, Listener listener) throws IOException {
        byte[] buf = new byte[1 << 16];
        long done = start;
        long lastReport = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            out.write(buf, 0, n);
            done += n;
            if (done - lastReport >= (1 << 20) || done == total) {
                listener.update(done, total);
                lastReport = done;
            }
        }
        listener.update(done, total);
    }
}
