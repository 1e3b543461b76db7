package dev.remotemedia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.pipeline.SharedServices;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Where model files live. A node's {@code model} param is a catalogue name ({@link ModelCatalog}),
 * a local directory, or an {@code s3://} / {@code https://} prefix. Remote files are fetched once
 * into the cache directory: resumed from a {@code .part} file after an interruption, checked
 * against their sha256 (the catalogue's, or the one pinned at the first pull), and guarded by a
 * file lock so that instances starting together download once.
 */
public final class ModelStore {
    /** Key of the process-wide store in {@link SharedServices}. */
    public static final String KEY = "model-store";
    /** Written last into a model's cache folder: its presence means complete. */
    static final String COMPLETE = ".complete.json";
    private static final Logger LOG = Logger.getLogger(ModelStore.class);
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Download progress of one file (total -1 when the server does not say). */
    public interface Progress {
        void update(String file, long done, long total);

        Progress NONE = (f, d, t) -> {};
    }

    /** A model folder in the cache. */
    public record Installed(String name, Path dir, String source, long bytes, int files) {}

    private final Path cacheDir;
    private final boolean autoPull;
    private final ModelSources sources;
    private final String defaultDevice;
    private final ModelCatalog catalog;

    /** @param defaultDevice auto | cuda | cpu, for nodes whose `device` param is empty */
    public ModelStore(Path cacheDir, boolean autoPull, Supplier<S3Client> s3, String defaultDevice, ModelCatalog catalog) {
        this(cacheDir, autoPull, s3, defaultDevice, catalog, 30_000);
    }

    /** @param readTimeoutMs longest silence of a server mid-download before the attempt is retried (resuming) */
    public ModelStore(Path cacheDir, boolean autoPull, Supplier<S3Client> s3, String defaultDevice, ModelCatalog catalog, int readTimeoutMs) {
        this.catalog = catalog;
        this.cacheDir = cacheDir.toAbsolutePath();
        this.autoPull = autoPull;
        this.sources = new ModelSources(s3, readTimeoutMs);
        this.defaultDevice = defaultDevice;
    }

    /** The store configured by `remotemedia.models.*` in the server. */
    public static ModelStore of(ModelsConfig config) {
        return new ModelStore(Path.of(config.cacheDir()), config.autoPull(), ModelSources.s3Client(config.s3Endpoint()), config.device(),
                config.catalog().map(c -> ModelCatalog.withFile(Path.of(c))).orElse(ModelCatalog.bundled()));
    }

    /** The store from `remotemedia.models.*` system properties or REMOTEMEDIA_MODELS_* variables (CLI, tests). */
    public static ModelStore fromEnvironment() {
        return of(ModelsSettings.fromEnvironment());
    }

    /** The engine's store (installed by the server from its config), or one from the environment. */
    public static ModelStore of(SharedServices shared) {
        return shared.get(KEY, ModelStore.class, ModelStore::fromEnvironment);
    }

    public Path cacheDir() { return cacheDir; }

    public String defaultDevice() { return defaultDevice; }

    public ModelCatalog catalog() { return catalog; }

    /**
     * A local folder holding the model named by {@code ref}; fetches it when {@code ref} is a remote
     * prefix (or a catalogue name with auto-pull on). {@code files} are the files a remote prefix must have.
     */
    public Path resolve(String ref, List<String> files) {
        if (ref == null || ref.isBlank()) throw unavailable("no model given (set the node's `model` param)");
        if (isRemote(ref)) {
            Path dir = cacheDir.resolve(cacheKey(ref));
            return Files.isRegularFile(dir.resolve(COMPLETE)) ? dir : pull(ref, files, Progress.NONE);
        }
        var entry = catalog.find(ref);
        if (entry.isPresent()) {
            Path dir = cacheDir.resolve(ref);
            if (Files.isRegularFile(dir.resolve(COMPLETE))) return dir;
            if (autoPull) return pull(ref, files, Progress.NONE);
            throw unavailable("model " + ref + " is not in the cache (looked in " + dir + "); fetch it with `bin/remotemedia models pull "
                    + ref + "` (or set remotemedia.models.auto-pull=true), or set `model` to a folder holding its files");
        }
        Path dir = Path.of(ref).toAbsolutePath();
        if (Files.isDirectory(dir)) return dir;
        throw unavailable("model \"" + ref + "\": no such folder (" + dir + "), not a catalogue name ("
                + String.join(", ", catalog.entries().stream().map(ModelCatalog.Entry::name).toList())
                + ") and not an s3:// or https:// prefix");
    }

    /** True when the catalogue model {@code name} is completely in the cache. */
    public boolean cached(String name) {
        return Files.isRegularFile(cacheDir.resolve(name).resolve(COMPLETE));
    }

    /** Fetches a catalogue model or a remote prefix into the cache (no-op when already complete). */
    public Path pull(String ref, List<String> files, Progress progress) {
        var entry = catalog.find(ref);
        if (entry.isEmpty() && !isRemote(ref)) {
            throw unavailable("cannot pull \"" + ref + "\": not a catalogue name or an s3:// / https:// prefix (`models list` shows the catalogue)");
        }
        String base = entry.map(ModelCatalog.Entry::baseUrl).orElse(ref.endsWith("/") ? ref : ref + "/");
        Map<String, String> known = entry.map(ModelCatalog.Entry::sha256).orElse(Map.of());
        Path dir = cacheDir.resolve(entry.isPresent() ? ref : cacheKey(ref));
        try {
            Files.createDirectories(cacheDir);
            Path lockFile = cacheDir.resolve(dir.getFileName() + ".lock");
            ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
            jvmLock.lock();
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                if (Files.isRegularFile(dir.resolve(COMPLETE))) return dir; // another process finished it while we waited
                List<String> wanted = entry.map(ModelCatalog.Entry::files).orElse(null);
                if (wanted == null) wanted = base.startsWith("s3://") ? sources.listS3(base) : files;
                if (wanted.isEmpty()) {
                    throw unavailable("nothing to fetch under " + base + (base.startsWith("s3://") ? "" : " (an https:// prefix needs its file list: `models pull --kind whisper|kokoro`)"));
                }
                Files.createDirectories(dir);
                ObjectNode record = JSON.createObjectNode().put("source", base).put("pulled_at", Instant.now().toString());
                ObjectNode fileRecords = record.putObject("files");
                for (String file : wanted) {
                    String sha = fetchOne(base + file, dir.resolve(file), known.get(file), file, progress);
                    fileRecords.putObject(file).put("sha256", sha).put("size", Files.size(dir.resolve(file)));
                }
                Files.writeString(dir.resolve(COMPLETE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(record));
                LOG.infof("model %s ready in %s (%d files)", ref, dir, wanted.size());
                return dir;
            } finally {
                jvmLock.unlock();
            }
        } catch (IOException e) {
            throw unavailable("could not fetch " + ref + " from " + base + ": " + describe(e)
                    + " (an interrupted download resumes on the next pull)");
        }
    }

    /** The I/O failure in words: the JDK's messages for the common cases are just a host name or "Connection refused". */
    private static String describe(IOException e) {
        if (e instanceof java.net.UnknownHostException) return "unknown host " + e.getMessage() + " (no network or DNS here?)";
        if (e instanceof java.net.ConnectException) return "cannot connect (" + e.getMessage() + ")";
        if (e instanceof java.net.SocketTimeoutException) return "the server stopped answering (" + e.getMessage() + ")";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Downloads one file via its .part file, resuming, and returns its sha256 (checked when known). */
    private String fetchOne(String url, Path target, String expectedSha, String name, Progress progress) throws IOException {
        if (Files.isRegularFile(target)) {
            String sha = sha256(target);
            if (expectedSha == null || expectedSha.equalsIgnoreCase(sha)) return sha;
            Files.delete(target); // a stale or damaged copy
        }
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        IOException last = null;
        for (int attempt = 1; attempt <= 4; attempt++) {
            try {
                sources.download(url, part, (done, total) -> {
                    progress.update(name, done, total);
                    logProgress(name, done, total);
                });
                last = null;
                break;
            } catch (IOException e) {
                last = e;
                LOG.warnf("download of %s interrupted at %d bytes (attempt %d of 4): %s", name, Files.exists(part) ? Files.size(part) : 0, attempt, e.getMessage());
            }
        }
        if (last != null) throw last;
        String sha = sha256(part);
        if (expectedSha != null && !expectedSha.equalsIgnoreCase(sha)) {
            Files.delete(part);
            throw new IOException("checksum mismatch for " + name + ": expected sha256 " + expectedSha + ", got " + sha + " (file deleted)");
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return sha;
    }

    private final Map<String, Integer> lastDecile = new ConcurrentHashMap<>();

    private void logProgress(String name, long done, long total) {
        if (total <= 0) return;
        int decile = (int) (done * 10 / total);
        if (!Integer.valueOf(decile).equals(lastDecile.put(name, decile))) {
            LOG.infof("downloading %s: %d %% of %.1f MB", name, decile * 10, total / 1e6);
        }
    }

    /** Re-hashes a cached model against the checksums pinned at its pull (and the catalogue's). Returns problems; empty = good. */
    public List<String> verify(String name) {
        Path dir = cacheDir.resolve(isRemote(name) ? cacheKey(name) : name);
        List<String> problems = new ArrayList<>();
        if (!Files.isRegularFile(dir.resolve(COMPLETE))) {
            problems.add(name + ": not in the cache (" + dir + ")");
            return problems;
        }
        Map<String, String> known = catalog.find(name).map(ModelCatalog.Entry::sha256).orElse(Map.of());
        try {
            JsonNode record = JSON.readTree(dir.resolve(COMPLETE).toFile());
            for (var it = record.path("files").fields(); it.hasNext(); ) {
                var f = it.next();
                Path file = dir.resolve(f.getKey());
                if (!Files.isRegularFile(file)) {
                    problems.add(f.getKey() + ": missing");
                    continue;
                }
                String sha = sha256(file);
                String expected = known.getOrDefault(f.getKey(), f.getValue().path("sha256").asText());
                if (!sha.equalsIgnoreCase(expected)) problems.add(f.getKey() + ": sha256 " + sha + ", expected " + expected);
            }
        } catch (IOException e) {
            problems.add(name + ": " + e.getMessage());
        }
        return problems;
    }

    /** The complete models in the cache. */
    public List<Installed> installed() {
        List<Installed> out = new ArrayList<>();
        if (!Files.isDirectory(cacheDir)) return out;
        try (var dirs = Files.list(cacheDir)) {
            for (Path dir : dirs.sorted().toList()) {
                if (!Files.isRegularFile(dir.resolve(COMPLETE))) continue;
                JsonNode record = JSON.readTree(dir.resolve(COMPLETE).toFile());
                long bytes = 0;
                for (JsonNode f : record.path("files")) bytes += f.path("size").asLong();
                out.add(new Installed(dir.getFileName().toString(), dir, record.path("source").asText(), bytes, record.path("files").size()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** A file of a model folder, at its top or in onnx/ (the onnx-community layout). */
    /** ONNX file variants as the exporters name them ({@code encoder_model_fp16.onnx}); "auto" prefers them in this order. */
    public static final List<String> VARIANTS = List.of("fp32", "fp16", "quantized", "int8", "uint8", "q4", "q4f16", "bnb4");

    /** A node's {@code variant} parameter: auto or one of {@link #VARIANTS}. */
    public static dev.remotemedia.manifest.ParamSpec variantParam(String doc) {
        List<String> values = new java.util.ArrayList<>(List.of("auto"));
        values.addAll(VARIANTS);
        return dev.remotemedia.manifest.ParamSpec.oneOf("variant", values.toArray(String[]::new)).defaultValue("auto").doc(doc);
    }

    /** The file name of {@code base} (e.g. "encoder_model") in {@code variant}: fp32 is the plain name. */
    public static String variantFile(String base, String variant) {
        return variant.equals("fp32") || variant.equals("auto") ? base + ".onnx" : base + "_" + variant + ".onnx";
    }

    /**
     * The ONNX file {@code base} of a model folder (in onnx/ or the folder itself) in {@code variant};
     * "auto" takes the first variant present in {@link #VARIANTS} order, so a folder holding only an
     * fp16 export loads as one. A missing file names what the folder does hold.
     */
    public static Path modelFile(Path dir, String base, String variant) {
        List<String> wanted = variant.equals("auto") ? VARIANTS : List.of(variant);
        for (String v : wanted) {
            String file = variantFile(base, v);
            for (Path p : List.of(dir.resolve("onnx").resolve(file), dir.resolve(file))) if (Files.isRegularFile(p)) return p;
        }
        List<String> present = new java.util.ArrayList<>();
        for (Path d : List.of(dir.resolve("onnx"), dir)) {
            try (var files = Files.list(d)) {
                files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(base) && n.endsWith(".onnx")).sorted().forEach(present::add);
            } catch (java.io.IOException e) {
                // no such folder
            }
        }
        String looked = variant.equals("auto") ? base + ".onnx nor any of its variants (" + String.join(", ", VARIANTS.subList(1, VARIANTS.size())) + ")"
                : variantFile(base, variant) + " (variant " + variant + ")";
        throw unavailable("model folder " + dir + " has no " + looked + " (looked in it and in onnx/)"
                + (present.isEmpty() ? "" : "; it has " + String.join(", ", present) + ": set the node's variant to match"));
    }

    static boolean isRemote(String ref) {
        return ref.startsWith("s3://") || ref.startsWith("https://") || ref.startsWith("http://");
    }

    /** A readable, collision-free folder name for a remote prefix. */
    static String cacheKey(String uri) {
        URI u = URI.create(uri);
        String readable = ((u.getHost() == null ? "" : u.getHost()) + (u.getPath() == null ? "" : u.getPath()))
                .replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+|_+$", "");
        if (readable.length() > 60) readable = readable.substring(readable.length() - 60);
        return readable + "-" + sha256Hex(uri.getBytes()).substring(0, 10);
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static PipelineException unavailable(String message) {
        return new PipelineException(ErrorKind.ModelUnavailable, null, message);
    }

}
