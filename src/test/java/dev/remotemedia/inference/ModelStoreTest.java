package dev.remotemedia.inference;

import com.sun.net.httpserver.HttpServer;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.testing.S3Proxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model store against a real local HTTP server (ranges, a dropped connection) and a real S3 API (s3proxy). */
class ModelStoreTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger cutNextAfter = new AtomicInteger(-1);

    @BeforeEach
    void serve() throws IOException {
        Random r = new Random(3);
        byte[] big = new byte[3_000_000];
        r.nextBytes(big);
        files.put("onnx/model.onnx", big);
        files.put("tokenizer.json", "{\"model\":{\"vocab\":{}}}".getBytes());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/m/", ex -> {
            String path = ex.getRequestURI().getPath().substring(3);
            String range = ex.getRequestHeaders().getFirst("Range");
            requests.add(path + (range == null ? "" : " " + range));
            byte[] body = files.get(path);
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            byte[] part = java.util.Arrays.copyOfRange(body, from, body.length);
            if (range != null) ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            ex.sendResponseHeaders(range == null ? 200 : 206, part.length);
            int cut = cutNextAfter.getAndSet(-1);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(part, 0, cut < 0 ? part.length : cut);
                if (cut >= 0) out.flush();
            } catch (IOException ignored) {
                // the client saw a short body
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/m/";
    }

    private ModelStore store(Map<String, String> sha, boolean autoPull) throws IOException {
        Path catalog = tmp.resolve("catalog.json");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        var m = json.putArray("models").addObject().put("name", "tiny").put("kind", "kokoro").put("description", "test")
                .put("base_url", base());
        m.putArray("files").add("onnx/model.onnx").add("tokenizer.json");
        var shaNode = m.putObject("sha256");
        sha.forEach(shaNode::put);
        Files.writeString(catalog, json.toString());
        return new ModelStore(tmp.resolve("cache"), autoPull, () -> {
            throw new IllegalStateException("no S3 here");
        }, "cpu", ModelCatalog.withFile(catalog), 500);
    }

    @Test
    void pullsACatalogueModelOnceAndPinsItsChecksums() throws Exception {
        ModelStore store = store(Map.of("onnx/model.onnx", ModelStore.sha256Hex(files.get("onnx/model.onnx"))), false);
        PipelineException missing = assertThrows(PipelineException.class, () -> store.resolve("tiny", List.of()));
        assertTrue(missing.getMessage().contains("models pull tiny") && missing.getMessage().contains(tmp.resolve("cache").toString()),
                missing.getMessage());

        List<String> progress = new ArrayList<>();
        Path dir = store.pull("tiny", List.of(), (f, done, total) -> progress.add(f + " " + done + "/" + total));
        assertArrayEquals(files.get("onnx/model.onnx"), Files.readAllBytes(dir.resolve("onnx/model.onnx")));
        assertTrue(progress.contains("onnx/model.onnx 3000000/3000000"), progress.toString());
        assertEquals(dir, store.resolve("tiny", List.of()));
        assertEquals(2, requests.size(), "a complete model is not fetched again: " + requests);
        assertEquals(List.of(), store.verify("tiny"));
        assertEquals(1, store.installed().size());

        Files.write(dir.resolve("tokenizer.json"), "tampered".getBytes());
        List<String> problems = store.verify("tiny");
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("tokenizer.json: sha256"), problems.toString());
    }

    @Test
    void resumesAnInterruptedDownloadWithARangeRequest() throws Exception {
        ModelStore store = store(Map.of(), true);
        cutNextAfter.set(1_000_000);
        Path dir = store.resolve("tiny", List.of());
        assertArrayEquals(files.get("onnx/model.onnx"), Files.readAllBytes(dir.resolve("onnx/model.onnx")));
        assertTrue(requests.contains("onnx/model.onnx bytes=1000000-"), "resumed from the part: " + requests);
        assertFalse(Files.exists(dir.resolve("onnx/model.onnx.part")));
    }

    @Test
    void rejectsAChecksumMismatchAndKeepsNothing() throws Exception {
        ModelStore store = store(Map.of("tokenizer.json", "0".repeat(64)), true);
        PipelineException e = assertThrows(PipelineException.class, () -> store.resolve("tiny", List.of()));
        assertTrue(e.getMessage().contains("checksum mismatch for tokenizer.json"), e.getMessage());
        Path dir = tmp.resolve("cache/tiny");
        assertFalse(Files.exists(dir.resolve("tokenizer.json")) || Files.exists(dir.resolve("tokenizer.json.part")));
        assertFalse(Files.exists(dir.resolve(ModelStore.COMPLETE)));
    }

    @Test
    void concurrentStartsDownloadOnce() throws Exception {
        ModelStore store = store(Map.of(), true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) all.add(pool.submit(() -> store.resolve("tiny", List.of())));
            for (Future<Path> f : all) assertEquals(tmp.resolve("cache/tiny"), f.get());
        } finally {
            pool.shutdown();
        }
        assertEquals(2, requests.size(), requests.toString());
    }

    @Test
    void offlinePullFailsCleanlyAndUnknownNamesAreExplained() throws Exception {
        ModelStore store = store(Map.of(), true);
        server.stop(0);
        PipelineException e = assertThrows(PipelineException.class, () -> store.pull("tiny", List.of(), ModelStore.Progress.NONE));
        assertTrue(e.getMessage().startsWith("could not fetch tiny from " + base()), e.getMessage());
        PipelineException unknown = assertThrows(PipelineException.class, () -> store.resolve("whisper-tiny.eng", List.of()));
        assertTrue(unknown.getMessage().contains("not a catalogue name") && unknown.getMessage().contains("whisper-tiny.en"), unknown.getMessage());
    }

    @Test
    void httpsPrefixFetchesTheFilesTheNodeNeeds() throws Exception {
        ModelStore store = store(Map.of(), false);
        Path dir = store.resolve(base(), List.of("tokenizer.json"));
        assertTrue(dir.startsWith(tmp.resolve("cache")) && Files.isRegularFile(dir.resolve("tokenizer.json")), dir.toString());
        assertEquals(List.of("tokenizer.json"), requests);
    }

    @Test
    void s3PrefixFetchesEveryObjectUnderIt() throws Exception {
        try (S3Proxy proxy = new S3Proxy(Files.createDirectories(tmp.resolve("s3"))); var s3 = proxy.client()) {
            s3.createBucket(CreateBucketRequest.builder().bucket("models").build());
            for (var f : files.entrySet()) {
                s3.putObject(PutObjectRequest.builder().bucket("models").key("kokoro/v1/" + f.getKey()).build(), RequestBody.fromBytes(f.getValue()));
            }
            Supplier<software.amazon.awssdk.services.s3.S3Client> client = proxy::client;
            ModelStore store = new ModelStore(tmp.resolve("cache"), false, client, "cpu", ModelCatalog.bundled());
            Path dir = store.resolve("s3://models/kokoro/v1/", List.of());
            assertArrayEquals(files.get("onnx/model.onnx"), Files.readAllBytes(dir.resolve("onnx/model.onnx")));
            assertTrue(Files.isRegularFile(dir.resolve("tokenizer.json")));
            assertEquals(List.of(), store.verify("s3://models/kokoro/v1/"));
            PipelineException e = assertThrows(PipelineException.class, () -> store.resolve("s3://models/nothing-here/", List.of()));
            assertTrue(e.getMessage().contains("nothing to fetch under s3://models/nothing-here/"), e.getMessage());
        }
    }
}
